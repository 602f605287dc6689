import type { Clock } from '@keyward/core';

/**
 * The small shared store the OIDC step-up keeps its transactions in. Production: Redis (shared by
 * every gateway and worker, survives restarts; `take` = GETDEL, atomic). Tests: the memory one.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads and deletes in one step: a second `take` of the same key gets nothing (single use). */
  take(key: string): Promise<string | undefined>;
}

export function createMemoryKeyValueStore(clock: Clock): KeyValueStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string): string | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock.now().getTime()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  };
  return {
    get: async (key) => live(key),
    set: async (key, value, ttlMs) => void entries.set(key, { value, expiresAt: clock.now().getTime() + ttlMs }),
    take: async (key) => {
      const value = live(key);
      entries.delete(key);
      return value;
    },
  };
}
