import { parseBusinessHours, isWithinBusinessHours } from './business-hours';
import { describeAnomaly, detectAnomalies } from './detect-anomalies';
import type { IdpWrite } from './detect-anomalies';

const window = { start: new Date('2025-05-06T09:00:00Z'), end: new Date('2025-05-06T10:00:00Z') };
const writes = (action: string, n: number, at = '2025-05-06T09:30:00Z'): IdpWrite[] => Array.from({ length: n }, (_, i) => ({ action, at: new Date(at), requestId: `rq_${action}_${i}` }));
const steady = (value: number, n = 48): number[] => Array.from({ length: n }, (_, i) => value + (i % 2));

describe('detectAnomalies', () => {
  it('reports a volume spike with the numbers that triggered it', () => {
    const found = detectAnomalies({ window, writes: writes('password_reset', 30), baseline: { password_reset: steady(2) }, baselineWindows: 48 });
    expect(found).toEqual([{ kind: 'volume_spike', action: 'password_reset', count: 30, mean: 2.5, stddev: 0.5, threshold: 7.5, baselineWindows: 48 }]);
    expect(describeAnomaly(found[0]!)).toBe('password_reset: 30 writes in the window vs a baseline mean of 2.5 (stddev 0.5, threshold 7.5, 48 windows)');
  });

  it('stays quiet for ordinary volume and for small numbers', () => {
    expect(detectAnomalies({ window, writes: writes('password_reset', 3), baseline: { password_reset: steady(2) }, baselineWindows: 48 })).toEqual([]);
    expect(detectAnomalies({ window, writes: writes('password_reset', 4), baseline: { password_reset: steady(0) }, baselineWindows: 48 })).toEqual([]);
  });

  it('reports an action the bot has not taken in the whole baseline', () => {
    const found = detectAnomalies({ window, writes: writes('mfa_reset', 1), baseline: { password_reset: steady(3) }, baselineWindows: 48 });
    expect(found).toEqual([{ kind: 'unusual_action', action: 'mfa_reset', count: 1, baselineWindows: 48 }]);
  });

  it('does not call anything unusual before there is a baseline', () => {
    expect(detectAnomalies({ window, writes: writes('mfa_reset', 1), baseline: {}, baselineWindows: 3 })).toEqual([]);
  });

  it('reports writes outside business hours in the configured zone', () => {
    const hours = parseBusinessHours('Mon-Fri 08:00-19:00', 'Europe/Paris');
    // 2025-05-06 is a Tuesday; 02:30 UTC = 04:30 in Paris (CEST).
    const night = writes('session_revoke', 2, '2025-05-06T02:30:00Z');
    const day = writes('session_revoke', 1, '2025-05-06T09:30:00Z');
    const found = detectAnomalies({ window, writes: [...night, ...day], baseline: { session_revoke: steady(1) }, baselineWindows: 48, businessHours: hours });
    expect(found).toEqual([
      { kind: 'outside_hours', count: 2, actions: { session_revoke: 2 }, examples: ['session_revoke for rq_session_revoke_0 at Tue 04:30 Europe/Paris', 'session_revoke for rq_session_revoke_1 at Tue 04:30 Europe/Paris'], businessHours: 'Mon-Fri 08:00-19:00 (Europe/Paris)' },
    ]);
  });
});

describe('business hours', () => {
  it('parses day ranges, several ranges, and respects the zone', () => {
    const hours = parseBusinessHours('Mon-Fri 08:00-19:00; Sat 09:00-12:00', 'America/New_York');
    expect(isWithinBusinessHours(new Date('2025-05-10T14:00:00Z'), hours)).toBe(true); // Sat 10:00 EDT
    expect(isWithinBusinessHours(new Date('2025-05-10T17:00:00Z'), hours)).toBe(false); // Sat 13:00
    expect(isWithinBusinessHours(new Date('2025-05-11T14:00:00Z'), hours)).toBe(false); // Sunday
    expect(isWithinBusinessHours(new Date('2025-05-12T11:59:00Z'), hours)).toBe(false); // Mon 07:59 EDT
    expect(isWithinBusinessHours(new Date('2025-05-12T12:01:00Z'), hours)).toBe(true); // Mon 08:01 EDT
  });

  it('refuses malformed specs and unknown zones', () => {
    expect(() => parseBusinessHours('weekdays 9-5', 'UTC')).toThrow(/expected/);
    expect(() => parseBusinessHours('Mon-Fri 19:00-08:00', 'UTC')).toThrow(/end after/);
    expect(() => parseBusinessHours('Mon-Fri 08:00-19:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});
