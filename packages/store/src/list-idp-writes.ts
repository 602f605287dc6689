import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { KeywardDatabase } from './database.schema';

export interface StoredIdpWrite {
  action: string;
  at: Date;
  requestId: string;
  idpRequestId: string;
}

/**
 * The bot's own IdP writes in [since, until): audit events that carry the IdP's request id (one per
 * write the IdP acknowledged), once per IdP request id. The audit log is the source because it is
 * the record that cannot be edited; the anomaly watch must not trust a counter the bot itself keeps.
 */
export async function listIdpWrites(db: Kysely<KeywardDatabase>, range: { since: Date; until: Date }): Promise<StoredIdpWrite[]> {
  const rows = await sql<{ action: string; at: Date | string; request_id: string; idp_request_id: string }>`
    select distinct on (body->>'idpRequestId') body->>'action' as action, at, request_id, body->>'idpRequestId' as idp_request_id
    from audit_events
    where at >= ${range.since} and at < ${range.until}
      and body->>'idpRequestId' is not null and body->>'action' is not null
    order by body->>'idpRequestId', seq`.execute(db);
  return rows.rows.map((r) => ({ action: r.action, at: new Date(r.at), requestId: r.request_id, idpRequestId: r.idp_request_id })).sort((a, b) => a.at.getTime() - b.at.getTime());
}
