import type { AuditRecord } from '@keyward/core';
import type { SiemDeliveryState, SiemOutbox } from '../siem/siem-outbox';

/** In-memory SiemOutbox with the store's semantics, for unit tests of the drain logic. */
export function createMemorySiemOutbox(records: AuditRecord[] = []): SiemOutbox & { records: AuditRecord[]; stateOf(destination: string): SiemDeliveryState | undefined } {
  const states = new Map<string, SiemDeliveryState & { leaseOwner?: string; leaseUntil?: Date }>();
  return {
    records,
    stateOf: (destination) => states.get(destination),
    async register(destination) {
      if (states.has(destination)) return;
      const oldest = records[0]?.seq;
      states.set(destination, { destination, deliveredSeq: oldest === undefined ? (records.at(-1)?.seq ?? 0) : oldest - 1, attempts: 0 });
    },
    async lease(destination, owner, until, now) {
      const state = states.get(destination);
      if (!state) return undefined;
      if (state.leaseOwner && state.leaseOwner !== owner && state.leaseUntil && state.leaseUntil > now) return undefined;
      state.leaseOwner = owner;
      state.leaseUntil = until;
      const { leaseOwner: _o, leaseUntil: _u, ...copy } = state;
      return { ...copy };
    },
    async pending(afterSeq, limit) {
      return records.filter((r) => r.seq > afterSeq).slice(0, limit);
    },
    async settle(destination, owner, update) {
      const state = states.get(destination);
      if (!state || state.leaseOwner !== owner) return false;
      if (update.deliveredSeq !== undefined) state.deliveredSeq = update.deliveredSeq;
      state.attempts = update.attempts;
      state.nextAttemptAt = update.nextAttemptAt ?? undefined;
      state.failingSince = update.failingSince ?? undefined;
      state.alertedAt = update.alertedAt ?? undefined;
      state.lastError = update.lastError;
      return true;
    },
    async release(destination, owner) {
      const state = states.get(destination);
      if (state?.leaseOwner === owner) {
        state.leaseOwner = undefined;
        state.leaseUntil = undefined;
      }
    },
    async backlog() {
      const head = records.at(-1)?.seq ?? 0;
      return Object.fromEntries([...states.values()].map((s) => [s.destination, Math.max(0, head - s.deliveredSeq)]));
    },
    async prune(destinations) {
      const floor = Math.min(...destinations.map((d) => states.get(d)?.deliveredSeq ?? 0));
      const before = records.length;
      records.splice(0, records.filter((r) => r.seq <= floor).length);
      return before - records.length;
    },
    async states() {
      return [...states.values()].map(({ leaseOwner: _o, leaseUntil: _u, ...s }) => ({ ...s }));
    },
  };
}
