import type { Kysely } from 'kysely';
import type { AuditRecord } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { toAuditRecord } from './audit-row';

/**
 * Audit records with `since <= at < until`, in seq order, page by page (bounded memory whatever the
 * range). Each record keeps seq, prevHash and hash, so an auditor can verify the exported stretch
 * link by link and match its ends against `audit verify`.
 */
export async function* exportAuditEvents(db: Kysely<KeywardDatabase>, range: { since?: Date; until?: Date; pageSize?: number }): AsyncGenerator<AuditRecord> {
  const pageSize = Math.max(1, range.pageSize ?? 500);
  let afterSeq = 0;
  for (;;) {
    let query = db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(pageSize);
    if (range.since) query = query.where('at', '>=', range.since);
    if (range.until) query = query.where('at', '<', range.until);
    const rows = await query.execute();
    for (const row of rows) yield toAuditRecord(row);
    if (rows.length < pageSize) return;
    afterSeq = Number(rows[rows.length - 1]!.seq);
  }
}
