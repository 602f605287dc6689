import type { Clock } from '@keyward/core';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips the remote call before letting one trial through. */
  coolDownMs: number;
  clock: Clock;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** True when a call may be attempted now (closed, or the single trial after the cool-down). */
  tryAcquire(): boolean;
  onSuccess(): void;
  onFailure(): void;
  state(): CircuitState;
}

/**
 * Consecutive-failure circuit breaker. Without it an outage costs every message the full timeout
 * before the fallback answers; with it only the first few do, and one trial per cool-down probes
 * for recovery. Per process on purpose: each worker learns the outage itself within a few messages.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let failures = 0;
  let openUntil: number | undefined;
  let trialInFlight = false;
  const now = (): number => options.clock.now().getTime();
  const state = (): CircuitState => (openUntil === undefined ? 'closed' : now() < openUntil ? 'open' : 'half_open');
  return {
    state,
    tryAcquire() {
      const s = state();
      if (s === 'closed') return true;
      if (s === 'open' || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    onSuccess() {
      failures = 0;
      openUntil = undefined;
      trialInFlight = false;
    },
    onFailure() {
      failures += 1;
      // A failed trial re-opens at once; otherwise open after `failureThreshold` in a row.
      if (trialInFlight || failures >= options.failureThreshold) openUntil = now() + options.coolDownMs;
      trialInFlight = false;
    },
  };
}
