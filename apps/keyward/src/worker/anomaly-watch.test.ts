import type { StoredIdpWrite } from '@keyward/store';
import { createAnomalyWatch } from './anomaly-watch';
import type { SecurityAlert } from './security-alerts';

const HOUR = 3600_000;

describe('anomaly watch', () => {
  const now = new Date('2025-05-06T10:07:00Z'); // judges 09:00–10:00 UTC
  const baseline: StoredIdpWrite[] = [];
  // Two weeks of one or two unlocks an hour, during the day only.
  for (let h = 1; h <= 14 * 24; h += 1) {
    const at = new Date(Date.parse('2025-05-06T09:00:00Z') - h * HOUR + 60_000);
    const hourOfDay = at.getUTCHours();
    if (hourOfDay < 8 || hourOfDay >= 18) continue;
    for (let i = 0; i < 1 + (h % 2); i += 1) baseline.push({ action: 'account_unlock', at, requestId: `rq_b${h}_${i}`, idpRequestId: `b${h}_${i}` });
  }

  function watch(current: StoredIdpWrite[], businessHours?: string) {
    const alerts: SecurityAlert[] = [];
    const ranges: { since: Date; until: Date }[] = [];
    const run = createAnomalyWatch({
      config: { enabled: true, businessHours, timeZone: 'UTC', windowMinutes: 60, baselineDays: 14, minCount: 5 },
      clock: { now: () => now },
      listWrites: async (range) => {
        ranges.push(range);
        return [...baseline, ...current].filter((w) => w.at >= range.since && w.at < range.until);
      },
      alert: async (a) => void alerts.push(a),
    });
    return { run, alerts, ranges };
  }

  it('judges the last complete window against 14 days of windows and alerts with the numbers', async () => {
    const burst = Array.from({ length: 40 }, (_, i) => ({ action: 'account_unlock', at: new Date(`2025-05-06T09:${String(10 + (i % 40)).padStart(2, '0')}:00Z`), requestId: `rq_${i}`, idpRequestId: `x${i}` }));
    const { run, alerts, ranges } = watch([...burst, { action: 'mfa_reset', at: new Date('2025-05-06T09:30:00Z'), requestId: 'rq_mfa', idpRequestId: 'm1' }]);
    const found = await run();
    expect(ranges[0]).toEqual({ since: new Date('2025-04-22T09:00:00Z'), until: new Date('2025-05-06T10:00:00Z') });
    expect(found.map((a) => a.kind)).toEqual(['volume_spike', 'unusual_action']);
    expect(alerts[0]).toMatchObject({ kind: 'anomaly.volume_spike', severity: 'critical', facts: { window: '2025-05-06T09:00:00.000Z/2025-05-06T10:00:00.000Z', action: 'account_unlock', count: '40' } });
    expect(alerts[0]!.summary).toMatch(/account_unlock: 40 writes in the window vs a baseline mean of [\d.]+/);
    expect(alerts[1]).toMatchObject({ kind: 'anomaly.unusual_action', facts: { action: 'mfa_reset' } });
  });

  it('stays quiet on an ordinary hour and alerts on writes outside business hours', async () => {
    const ordinary = watch([{ action: 'account_unlock', at: new Date('2025-05-06T09:15:00Z'), requestId: 'rq_1', idpRequestId: 'o1' }]);
    expect(await ordinary.run()).toEqual([]);
    const night = watch([{ action: 'account_unlock', at: new Date('2025-05-06T09:15:00Z'), requestId: 'rq_1', idpRequestId: 'o1' }], 'Mon-Fri 10:00-18:00');
    await night.run();
    expect(night.alerts).toEqual([expect.objectContaining({ kind: 'anomaly.outside_hours', severity: 'warning' })]);
  });
});
