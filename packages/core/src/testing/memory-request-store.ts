import { AppError } from '../domain/app-error';
import type { ServiceRequest } from '../domain/request';
import { isTerminal } from '../domain/request';
import type { RequestStore } from '../ports/request-store';

/**
 * In-memory RequestStore with the port's compare-and-swap semantics. Rows are deep-copied in and
 * out, so a use case that mutates an object it holds cannot change the "database" behind the CAS.
 */
export interface MemoryRequestStore extends RequestStore {
  /** Copies of every stored request, in creation order. */
  all(): ServiceRequest[];
  /** Writes a row as-is, bypassing CAS: only for tests that need a row no use case would produce. */
  seed(request: ServiceRequest): void;
  /** Every event key claimed so far. */
  claimedEvents(): string[];
}

export function createMemoryRequestStore(): MemoryRequestStore {
  const rows = new Map<string, ServiceRequest>();
  const claimed = new Map<string, Date>();

  return {
    async create(request) {
      if (rows.has(request.id)) {
        throw new AppError('request.version_conflict', `request ${request.id} already exists`, { details: { requestId: request.id } });
      }
      rows.set(request.id, structuredClone(request));
    },
    async get(id) {
      const row = rows.get(id);
      return row ? structuredClone(row) : undefined;
    },
    async save(next) {
      const stored = rows.get(next.id);
      if (!stored) return false;
      if (stored.version !== next.version - 1) return false;
      // Same guard a SQL store has (`WHERE state NOT IN terminal`): a terminal row keeps its state
      // even if a buggy caller builds a "next" version that changes it.
      if (isTerminal(stored.state) && next.state !== stored.state) return false;
      rows.set(next.id, structuredClone(next));
      return true;
    },
    async listByRequester(chatUserId, options = {}) {
      const mine = [...rows.values()]
        .map((row, index) => ({ row, index }))
        .filter(({ row }) => row.requester.chatUserId === chatUserId && (!options.openOnly || !isTerminal(row.state)))
        // Newest first; creation order breaks ties because a fixed clock gives equal timestamps.
        .sort((a, b) => b.row.createdAt.localeCompare(a.row.createdAt) || b.index - a.index)
        .map(({ row }) => structuredClone(row));
      return options.limit === undefined ? mine : mine.slice(0, options.limit);
    },
    async claimInboundEvent(key, at) {
      if (claimed.has(key)) return false;
      claimed.set(key, new Date(at));
      return true;
    },
    all: () => [...rows.values()].map((row) => structuredClone(row)),
    seed: (request) => {
      rows.set(request.id, structuredClone(request));
    },
    claimedEvents: () => [...claimed.keys()],
  };
}
