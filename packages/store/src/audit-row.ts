import type { Selectable } from 'kysely';
import type { AuditEventInput, AuditRecord } from '@keyward/core';
import type { AuditEventsTable } from './database.schema';

type AuditRow = Selectable<AuditEventsTable>;

/** Rebuilds the record from the stored body (the hashed form); the columns are only an index of it. */
export function toAuditRecord(row: AuditRow): AuditRecord {
  const body = row.body as unknown as Omit<AuditEventInput, 'at'> & { at: string };
  return { ...body, at: new Date(body.at), seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
}

/**
 * The hash covers the body only, but queries filter on the columns: a `request_id` edited on its own
 * would hide an event from that request's trail. Returns what disagrees, if anything.
 */
export function findAuditRowMismatch(row: AuditRow): string | undefined {
  const body = row.body as { requestId?: unknown; type?: unknown; at?: unknown };
  if (body.requestId !== row.request_id) return 'request_id column differs from the hashed event';
  if (body.type !== row.type) return 'type column differs from the hashed event';
  if (typeof body.at !== 'string' || new Date(body.at).getTime() !== row.at.getTime()) return 'at column differs from the hashed event';
  return undefined;
}
