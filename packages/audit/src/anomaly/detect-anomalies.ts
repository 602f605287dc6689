import type { BusinessHours } from './business-hours';
import { isWithinBusinessHours, localTime } from './business-hours';

/** One IdP write the bot made (from the audit log: events carrying an IdP request id). */
export interface IdpWrite {
  action: string;
  at: Date;
  requestId: string;
}

export interface AnomalyInput {
  /** The window being judged, [start, end). */
  window: { start: Date; end: Date };
  /** Writes inside the window. */
  writes: readonly IdpWrite[];
  /** Per action, the write count in each of the previous N windows of the same length (oldest first). */
  baseline: Record<string, readonly number[]>;
  /** How many previous windows the baseline covers (actions absent from `baseline` had 0 in all). */
  baselineWindows: number;
  businessHours?: BusinessHours;
  thresholds?: Partial<AnomalyThresholds>;
}

export interface AnomalyThresholds {
  /** A spike needs at least this many writes (small numbers are noise). */
  minCount: number;
  /** … and more than mean + k·stddev … */
  stddevFactor: number;
  /** … and more than this multiple of the mean. */
  meanFactor: number;
  /** "New action" needs at least this many baseline windows, else there is no "usual" yet. */
  minBaselineWindows: number;
}

export type Anomaly =
  | { kind: 'volume_spike'; action: string; count: number; mean: number; stddev: number; threshold: number; baselineWindows: number }
  | { kind: 'outside_hours'; count: number; actions: Record<string, number>; examples: string[]; businessHours: string }
  | { kind: 'unusual_action'; action: string; count: number; baselineWindows: number };

export const DEFAULT_ANOMALY_THRESHOLDS: AnomalyThresholds = { minCount: 5, stddevFactor: 3, meanFactor: 3, minBaselineWindows: 24 };

/**
 * Judges one window of the bot's own IdP writes against its history (DESIGN.md "Service principal
 * hygiene"): a per-action spike over the rolling baseline, writes outside business hours, and actions
 * the bot has not taken in the whole baseline. Pure: the caller gathers the numbers; every finding
 * carries the numbers that triggered it, for the alert.
 */
export function detectAnomalies(input: AnomalyInput): Anomaly[] {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...input.thresholds };
  const anomalies: Anomaly[] = [];
  const counts = new Map<string, number>();
  for (const write of input.writes) counts.set(write.action, (counts.get(write.action) ?? 0) + 1);

  for (const [action, count] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const history = padded(input.baseline[action] ?? [], input.baselineWindows);
    const { mean, stddev } = meanAndStddev(history);
    const threshold = Math.max(t.minCount, mean + t.stddevFactor * stddev, t.meanFactor * mean);
    if (count >= t.minCount && count > mean + t.stddevFactor * stddev && count > t.meanFactor * mean) {
      anomalies.push({ kind: 'volume_spike', action, count, mean: round(mean), stddev: round(stddev), threshold: round(threshold), baselineWindows: input.baselineWindows });
    }
    if (input.baselineWindows >= t.minBaselineWindows && history.every((n) => n === 0)) {
      anomalies.push({ kind: 'unusual_action', action, count, baselineWindows: input.baselineWindows });
    }
  }

  if (input.businessHours) {
    const hours = input.businessHours;
    const outside = input.writes.filter((w) => !isWithinBusinessHours(w.at, hours));
    if (outside.length > 0) {
      const actions: Record<string, number> = {};
      for (const w of outside) actions[w.action] = (actions[w.action] ?? 0) + 1;
      anomalies.push({
        kind: 'outside_hours',
        count: outside.length,
        actions,
        examples: outside.slice(0, 3).map((w) => `${w.action} for ${w.requestId} at ${localTime(w.at, hours.timeZone).label}`),
        businessHours: `${hours.spec} (${hours.timeZone})`,
      });
    }
  }
  return anomalies;
}

/** One line per anomaly, with its numbers, for the alert and the audit event. */
export function describeAnomaly(anomaly: Anomaly): string {
  switch (anomaly.kind) {
    case 'volume_spike':
      return `${anomaly.action}: ${anomaly.count} writes in the window vs a baseline mean of ${anomaly.mean} (stddev ${anomaly.stddev}, threshold ${anomaly.threshold}, ${anomaly.baselineWindows} windows)`;
    case 'outside_hours':
      return `${anomaly.count} write(s) outside business hours ${anomaly.businessHours}: ${Object.entries(anomaly.actions).map(([a, n]) => `${a}×${n}`).join(', ')}; e.g. ${anomaly.examples.join('; ')}`;
    case 'unusual_action':
      return `${anomaly.action}: ${anomaly.count} write(s), an action the bot has not taken in the previous ${anomaly.baselineWindows} windows`;
  }
}

function padded(history: readonly number[], windows: number): number[] {
  const values = history.slice(-windows);
  while (values.length < windows) values.unshift(0);
  return values;
}

function meanAndStddev(values: readonly number[]): { mean: number; stddev: number } {
  if (values.length === 0) return { mean: 0, stddev: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, stddev: Math.sqrt(variance) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
