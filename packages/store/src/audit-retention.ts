import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { AuditRecord } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { toAuditRecord } from './audit-row';

export interface PruneAuditOptions {
  /** Rows strictly older than this may go. */
  before: Date;
  /** Never remove a row a SIEM destination has not received yet (default: every registered destination counts). */
  keepUndeliveredSiem?: boolean;
  /** Called with the rows about to be removed, in seq order, before they are removed (an archive). */
  archive?: (records: AuditRecord[]) => Promise<void>;
  /** Recorded on the checkpoint as when it moved. */
  now: Date;
  /** Rows removed per transaction. */
  batchSize?: number;
}

export interface PruneAuditResult {
  removed: number;
  checkpoint: { seq: number; hash: string };
}

/**
 * Retention without breaking the proof (invariant 9). For each batch, in one transaction: move
 * `audit_checkpoint` onto the newest row to be removed (seq + hash — the trigger checks that row
 * exists with that hash), then delete every row at or below it under `SET LOCAL
 * keyward.audit_retention = 'on'` (the only DELETE the append-only trigger lets through).
 * `verifyStoredAuditChain` then starts from the checkpoint: the first remaining row must link to the
 * checkpoint's hash, so removing anything beyond the checkpoint, or forging the checkpoint onto a row
 * that never existed, is still detected. The head row is never removed (appends link to it and the
 * head guard needs it); nor, by default, anything a SIEM destination has not received.
 */
export async function pruneAuditLog(db: Kysely<KeywardDatabase>, options: PruneAuditOptions): Promise<PruneAuditResult> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  let removed = 0;
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom('audit_head').select(['last_seq']).where('id', '=', 1).executeTakeFirstOrThrow();
      let limitSeq = Number(head.last_seq) - 1;
      if (options.keepUndeliveredSiem !== false) {
        const floor = await trx.selectFrom('siem_delivery').select((eb) => eb.fn.min('delivered_seq').as('floor')).executeTakeFirst();
        if (floor?.floor !== null && floor?.floor !== undefined) limitSeq = Math.min(limitSeq, Number(floor.floor));
      }
      const rows = await trx
        .selectFrom('audit_events')
        .selectAll()
        .where('at', '<', options.before)
        .where('seq', '<=', limitSeq)
        .orderBy('seq', 'asc')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return undefined;
      // Only a contiguous prefix may go: a younger row with an older timestamp (clock skew) stops the batch.
      const first = await trx.selectFrom('audit_events').select((eb) => eb.fn.min('seq').as('first')).executeTakeFirstOrThrow();
      const contiguous: typeof rows = [];
      let expected = Number(first.first);
      for (const row of rows) {
        if (Number(row.seq) !== expected) break;
        contiguous.push(row);
        expected += 1;
      }
      if (contiguous.length === 0) return undefined;
      const last = contiguous[contiguous.length - 1]!;
      if (options.archive) await options.archive(contiguous.map(toAuditRecord));
      await trx
        .updateTable('audit_checkpoint')
        .set({ seq: Number(last.seq), hash: last.hash, removed: sql<number>`removed + ${contiguous.length}`, at: options.now })
        .where('id', '=', 1)
        .execute();
      await sql`set local keyward.audit_retention = 'on'`.execute(trx);
      const deleted = await trx.deleteFrom('audit_events').where('seq', '<=', Number(last.seq)).executeTakeFirst();
      return { count: Number(deleted.numDeletedRows), done: contiguous.length < batchSize };
    });
    if (!step) break;
    removed += step.count;
    if (step.done) break;
  }
  const checkpoint = await readAuditCheckpoint(db);
  return { removed, checkpoint: { seq: checkpoint.seq, hash: checkpoint.hash } };
}

export async function readAuditCheckpoint(db: Kysely<KeywardDatabase>): Promise<{ seq: number; hash: string; removed: number; at?: Date }> {
  const row = await db.selectFrom('audit_checkpoint').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash, removed: Number(row.removed), ...(row.at ? { at: new Date(row.at) } : {}) };
}
