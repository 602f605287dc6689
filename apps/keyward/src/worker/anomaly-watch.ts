import type { OperationsConfig } from '@keyward/config';
import { describeAnomaly, detectAnomalies, parseBusinessHours } from '@keyward/audit';
import type { Anomaly } from '@keyward/audit';
import type { Clock } from '@keyward/core';
import type { StoredIdpWrite } from '@keyward/store';
import type { SecurityAlerter } from './security-alerts';

export interface AnomalyWatchDeps {
  config: OperationsConfig['anomaly'];
  clock: Clock;
  listWrites: (range: { since: Date; until: Date }) => Promise<StoredIdpWrite[]>;
  alert: SecurityAlerter;
}

/**
 * Judges the last complete window (aligned to the window length, so every replica and every run
 * judges the same window) against the previous `baselineDays` of windows, and alerts with the numbers.
 * Runs on a schedule one window long; a window is judged once per scheduled run.
 */
export function createAnomalyWatch(deps: AnomalyWatchDeps) {
  const hours = deps.config.businessHours ? parseBusinessHours(deps.config.businessHours, deps.config.timeZone) : undefined;
  return async (): Promise<Anomaly[]> => {
    const windowMs = deps.config.windowMinutes * 60_000;
    const end = new Date(Math.floor(deps.clock.now().getTime() / windowMs) * windowMs);
    const start = new Date(end.getTime() - windowMs);
    const baselineWindows = Math.floor((deps.config.baselineDays * 24 * 60) / deps.config.windowMinutes);
    const baselineStart = new Date(start.getTime() - baselineWindows * windowMs);
    const writes = await deps.listWrites({ since: baselineStart, until: end });
    const current = writes.filter((w) => w.at >= start);
    const baseline: Record<string, number[]> = {};
    for (const w of writes) {
      if (w.at >= start) continue;
      const index = Math.floor((w.at.getTime() - baselineStart.getTime()) / windowMs);
      const series = (baseline[w.action] ??= new Array<number>(baselineWindows).fill(0));
      series[index] = (series[index] ?? 0) + 1;
    }
    const anomalies = detectAnomalies({ window: { start, end }, writes: current, baseline, baselineWindows, businessHours: hours, thresholds: { minCount: deps.config.minCount } });
    for (const anomaly of anomalies) {
      await deps.alert({
        kind: `anomaly.${anomaly.kind}`,
        severity: anomaly.kind === 'outside_hours' ? 'warning' : 'critical',
        summary: `Unusual IdP activity by Keyward's own credential: ${describeAnomaly(anomaly)}`,
        facts: { window: `${start.toISOString()}/${end.toISOString()}`, ...Object.fromEntries(Object.entries(anomaly).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) },
      });
    }
    return anomalies;
  };
}
