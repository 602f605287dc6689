/**
 * Delay before the next attempt after `attempts` consecutive failures: exponential from `baseMs`,
 * capped at `maxMs`, ±20 % jitter so several destinations (or replicas) do not retry in lockstep.
 * Retries never stop — an audit event is never dropped (F17: rsyslog discarding after one 403) —
 * but the cap bounds how long a recovered SIEM waits for its backlog.
 */
export function siemBackoffMs(attempts: number, options: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(0, Math.round(exponential * (0.8 + 0.4 * random())));
}
