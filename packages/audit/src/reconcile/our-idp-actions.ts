import type { AuditRecord } from '@keyward/core';

/** One IdP write as our audit log tells it. */
export interface OurIdpAction {
  requestId: string;
  idpRequestId: string;
  action?: string;
  /** Our audit event type (`request.succeeded`, `request.access_revoked`, …): which write of the action this was. */
  auditType?: string;
  targetIdpUserId?: string;
  at: string;
  seq: number;
}

/**
 * Our side of any reconciliation: audit events carrying an idpRequestId (the IdP acknowledged a
 * write), once per IdP request id — later events of the same request repeat the id and must not
 * count as a second write — inside the compared window.
 */
export function collectOurIdpActions(audit: readonly AuditRecord[], inWindow: (at: Date) => boolean): Map<string, OurIdpAction> {
  const ours = new Map<string, OurIdpAction>();
  for (const record of audit) {
    if (!record.idpRequestId || ours.has(record.idpRequestId)) continue;
    const at = record.at instanceof Date ? record.at : new Date(record.at);
    if (!inWindow(at)) continue;
    ours.set(record.idpRequestId, { requestId: record.requestId, idpRequestId: record.idpRequestId, action: record.action, auditType: record.type, targetIdpUserId: record.target?.idpUserId, at: at.toISOString(), seq: record.seq });
  }
  return ours;
}

/** [since, until) as a predicate; either bound may be open. */
export function windowPredicate(options: { since?: Date; until?: Date }): (at: Date) => boolean {
  return (at) => (!options.since || at >= options.since) && (!options.until || at < options.until);
}
