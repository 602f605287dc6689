import { createHash } from 'node:crypto';
import type { AuditEventInput, AuditLog, AuditRecord } from '@keyward/core';

/** An in-memory AuditLog with a real hash chain, for tests and the console preview. */
export function createMemoryAuditLog(): AuditLog & { readonly records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    async append(event: AuditEventInput): Promise<AuditRecord> {
      const prevHash = records.at(-1)?.hash ?? '0'.repeat(64);
      const seq = records.length + 1;
      const hash = createHash('sha256').update(prevHash).update(JSON.stringify({ seq, ...event })).digest('hex');
      const record: AuditRecord = { ...event, seq, prevHash, hash };
      records.push(record);
      return record;
    },
    async list(options = {}): Promise<AuditRecord[]> {
      const matching = records.filter(
        (record) =>
          record.seq > (options.afterSeq ?? 0) && (options.requestId === undefined || record.requestId === options.requestId),
      );
      return matching.slice(0, options.limit ?? matching.length);
    },
  };
}
