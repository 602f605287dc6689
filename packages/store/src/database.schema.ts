import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ServiceRequest } from '@keyward/core';

/** int8 comes back as a string from `pg` and as a number from PGlite; code reads it through `Number()`. */
type Int8 = ColumnType<string | number, number, number>;
/** bytea comes back as a Buffer from `pg` and as a Uint8Array from PGlite. */
type Bytes = ColumnType<Uint8Array, Buffer, Buffer>;

export interface RequestsTable {
  id: string;
  version: number;
  state: string;
  requester_chat_user_id: string;
  created_at: ColumnType<Date, Date, Date>;
  updated_at: ColumnType<Date, Date, Date>;
  /** The whole ServiceRequest; the columns above exist for indexes and the compare-and-swap. */
  body: JSONColumnType<ServiceRequest>;
}

export interface InboundEventsTable {
  key: string;
  at: ColumnType<Date, Date, never>;
}

export interface SecretsTable {
  request_id: string;
  owner_chat_user_id: string;
  ciphertext: Bytes;
  iv: Bytes;
  auth_tag: Bytes;
  expires_at: ColumnType<Date, Date, Date>;
}

export interface AuditEventsTable {
  seq: Int8;
  request_id: string;
  at: ColumnType<Date, Date, never>;
  type: string;
  /** The event exactly as hashed (canonical form: no undefined, ISO dates), without seq/prevHash/hash. */
  body: JSONColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  /** Always 1: a single row that appenders lock to take the next seq. */
  id: Generated<number>;
  last_seq: Int8;
  last_hash: string;
}

export interface SiemOutboxTable {
  seq: Int8;
  /** The audit record as forwarded: the hashed body plus seq, prevHash and hash. */
  payload: JSONColumnType<Record<string, unknown>, string, never>;
  enqueued_at: ColumnType<Date, Date, never>;
}

export interface SiemDeliveryTable {
  destination: string;
  delivered_seq: Int8;
  attempts: number;
  next_attempt_at: ColumnType<Date | null, Date | null, Date | null>;
  failing_since: ColumnType<Date | null, Date | null, Date | null>;
  last_error: string | null;
  alerted_at: ColumnType<Date | null, Date | null, Date | null>;
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, Date | null, Date | null>;
  updated_at: ColumnType<Date, Date, Date>;
}

export interface AuditCheckpointTable {
  id: Generated<number>;
  /** Seq and hash of the newest audit row removed by retention (0 / genesis: nothing removed). */
  seq: Int8;
  hash: string;
  removed: Int8;
  at: ColumnType<Date | null, Date | null, Date | null>;
}

export interface KeywardDatabase {
  requests: RequestsTable;
  inbound_events: InboundEventsTable;
  secrets: SecretsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  siem_outbox: SiemOutboxTable;
  siem_delivery: SiemDeliveryTable;
  audit_checkpoint: AuditCheckpointTable;
  vault_key_check: VaultKeyCheckTable;
}

export interface VaultKeyCheckTable {
  id: number;
  fingerprint: string;
  recorded_at: Date;
}
