import type { Clock } from '../ports/clock';

/** A clock that only moves when a test says so: expiry, rate windows and timestamps become exact. */
export interface FixedClock extends Clock {
  advance(ms: number): void;
  set(at: Date): void;
}

export function createFixedClock(start: Date | string = '2025-01-06T09:00:00.000Z'): FixedClock {
  let current = new Date(start).getTime();
  return {
    // A fresh Date each time: a caller mutating the returned object must not move the clock.
    now: () => new Date(current),
    advance: (ms) => {
      if (ms < 0) throw new Error('a fixed clock never goes backwards');
      current += ms;
    },
    set: (at) => {
      current = at.getTime();
    },
  };
}
