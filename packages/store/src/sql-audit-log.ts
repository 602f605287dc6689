import type { Kysely } from 'kysely';
import { canonicalJson, computeAuditHash, redactForAudit } from '@keyward/audit';
import type { AuditEventInput, AuditLog, AuditRecord } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { toAuditRecord } from './audit-row';

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;

/**
 * Hash-chained audit log (invariant 9). Appenders in any number of processes take the row lock on
 * `audit_head` inside their transaction (`SELECT … FOR UPDATE`), so they queue up and each one links
 * to the hash the previous one committed: one unbroken chain, gapless seqs. The lock is held for one
 * small insert and one update. Parameters and details are redacted here as well as by callers
 * (invariant 6): a missed field in an adapter must not put a reset link into a log nobody can edit.
 */
export interface SqlAuditLogOptions {
  /**
   * Also queue every event for SIEM forwarding, in the same transaction (invariant 9). On when any
   * SIEM destination is configured; off otherwise, so the outbox does not grow with nobody draining it.
   */
  siemOutbox?: boolean;
}

export function createSqlAuditLog(db: Kysely<KeywardDatabase>, options: SqlAuditLogOptions = {}): AuditLog {
  return {
    async append(input) {
      const event = redactEvent(input);
      const body = canonicalJson(event);
      return db
        .transaction()
        .execute(async (trx): Promise<AuditRecord> => {
          const head = await trx.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
          const seq = Number(head.last_seq) + 1;
          const hash = computeAuditHash(head.last_hash, { ...event, seq });
          const row = await trx
            .insertInto('audit_events')
            .values({ seq, request_id: event.requestId, at: event.at, type: event.type, body, prev_hash: head.last_hash, hash })
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx.updateTable('audit_head').set({ last_seq: seq, last_hash: hash }).where('id', '=', 1).execute();
          const record = toAuditRecord(row);
          if (options.siemOutbox) {
            // Same transaction as the append: the event reaches the SIEM queue exactly when it reaches the log.
            await trx.insertInto('siem_outbox').values({ seq, payload: JSON.stringify(record), enqueued_at: event.at }).execute();
          }
          return record;
        });
    },

    async list(options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_LIST_LIMIT), 1), MAX_LIST_LIMIT);
      let query = db.selectFrom('audit_events').selectAll().orderBy('seq', 'asc').limit(limit);
      if (options.requestId !== undefined) query = query.where('request_id', '=', options.requestId);
      if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
      const rows = await query.execute();
      return rows.map(toAuditRecord);
    },
  };
}

function redactEvent(input: AuditEventInput): AuditEventInput {
  const event: AuditEventInput = { ...input };
  if (input.params !== undefined) event.params = redactForAudit(input.params);
  if (input.details !== undefined) event.details = redactForAudit(input.details);
  if (input.outcome !== undefined) event.outcome = redactForAudit(input.outcome);
  return event;
}
