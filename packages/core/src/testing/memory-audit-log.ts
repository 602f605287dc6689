import { createHash } from 'node:crypto';
import type { AuditEventInput, AuditLog, AuditRecord } from '../ports/audit-log';

/**
 * In-memory AuditLog: append-only, with seq and a simple hash chain so tests can rely on order.
 * The real chain format belongs to @keyward/audit; this one only needs to be deterministic.
 */
export interface MemoryAuditLog extends AuditLog {
  /** Every record so far, in append order (copies). */
  records(): AuditRecord[];
  /** Records of one request, in order. */
  forRequest(requestId: string): AuditRecord[];
}

const GENESIS = '0'.repeat(64);

export function createMemoryAuditLog(): MemoryAuditLog {
  const log: AuditRecord[] = [];
  const copy = (record: AuditRecord): AuditRecord => structuredClone(record);

  return {
    async append(event: AuditEventInput) {
      const prevHash = log.at(-1)?.hash ?? GENESIS;
      const seq = log.length + 1;
      const body = structuredClone(event);
      const hash = createHash('sha256').update(prevHash).update(JSON.stringify({ seq, ...body })).digest('hex');
      const record: AuditRecord = { ...body, seq, prevHash, hash };
      log.push(record);
      return copy(record);
    },
    async list(options = {}) {
      const selected = log.filter((r) => (options.requestId === undefined || r.requestId === options.requestId) && (options.afterSeq === undefined || r.seq > options.afterSeq));
      return (options.limit === undefined ? selected : selected.slice(0, options.limit)).map(copy);
    },
    records: () => log.map(copy),
    forRequest: (requestId) => log.filter((r) => r.requestId === requestId).map(copy),
  };
}
