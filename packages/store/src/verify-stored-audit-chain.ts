import type { Kysely } from 'kysely';
import { createAuditChainVerifier } from '@keyward/audit';
import type { AuditChainResult } from '@keyward/audit';
import type { KeywardDatabase } from './database.schema';
import { findAuditRowMismatch, toAuditRecord } from './audit-row';

export interface VerifyStoredAuditChainOptions {
  /** Rows read per query; memory stays bounded whatever the log's size. */
  pageSize?: number;
}

/**
 * Verifies the stored chain from the genesis (or the retention checkpoint) up to the head, page by page, and reports the first
 * broken link. The head is read first: every row up to it was committed with it (one transaction per
 * append), so appends running meanwhile cannot cause a false alarm. Comparing the end of the chain
 * with the head catches rows cut off the end, which the chain alone cannot show; comparing the head
 * with the SIEM delivery cursors catches a cut that also rewound the head.
 */
export async function verifyStoredAuditChain(db: Kysely<KeywardDatabase>, options: VerifyStoredAuditChainOptions = {}): Promise<AuditChainResult> {
  const pageSize = Math.max(1, options.pageSize ?? 500);
  const head = await db.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirst();
  if (!head) return { ok: false, firstBrokenSeq: 1, reason: 'head_mismatch', message: 'the audit_head row is missing', count: 0 };
  const headSeq = Number(head.last_seq);
  // After retention the chain starts at the checkpoint (the newest removed row): the first remaining
  // row must link to its hash, exactly as it linked to the removed row.
  const checkpoint = await db.selectFrom('audit_checkpoint').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const start = checkpoint ? { seq: Number(checkpoint.seq), hash: checkpoint.hash } : undefined;

  const verifier = createAuditChainVerifier(start);
  let afterSeq = start?.seq ?? 0;
  while (afterSeq < headSeq) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const failure = verifier.push(toAuditRecord(row));
      if (failure) return failure;
      const mismatch = findAuditRowMismatch(row);
      if (mismatch) {
        const seq = Number(row.seq);
        const verified = verifier.result();
        return { ok: false, firstBrokenSeq: seq, reason: 'row_mismatch', message: `seq ${seq}: ${mismatch}`, count: verified.count - 1 };
      }
      afterSeq = Number(row.seq);
    }
  }

  const result = verifier.result();
  if (result.ok && (result.lastSeq !== headSeq || result.lastHash !== head.last_hash)) {
    const firstBrokenSeq = result.lastSeq < headSeq ? result.lastSeq + 1 : headSeq;
    return { ok: false, firstBrokenSeq, reason: 'head_mismatch', message: `the chain ends at seq ${result.lastSeq} but the head records seq ${headSeq}`, count: result.count };
  }
  if (result.ok) {
    // A witness outside the chain: a SIEM cursor past the head means the end of the log was cut off
    // and the head rewound with it (possible only with the triggers off), which the chain cannot show.
    const ahead = await db.selectFrom('siem_delivery').select(['destination', 'delivered_seq']).where('delivered_seq', '>', headSeq).orderBy('delivered_seq', 'desc').executeTakeFirst();
    if (ahead) {
      return { ok: false, firstBrokenSeq: headSeq + 1, reason: 'head_mismatch', message: `the log ends at seq ${headSeq}, but the SIEM destination ${ahead.destination} already received events up to seq ${Number(ahead.delivered_seq)}: events were removed from the end (compare with the SIEM)`, count: result.count };
    }
  }
  return result;
}
