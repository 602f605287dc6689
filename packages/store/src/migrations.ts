import { sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { AUDIT_GENESIS_HASH } from '@keyward/audit';
import { SIEM_RETENTION_DOWN, SIEM_RETENTION_UP } from './migrations-0002-siem-retention';

/*
 * Statements run one by one: PGlite's query() uses the extended protocol, which takes one statement
 * per call. Functions are created with `SET search_path FROM CURRENT` so triggers keep resolving
 * their tables in this schema whatever the caller's search_path is.
 */
const INITIAL_UP = [
  `create table requests (
     id text primary key,
     version integer not null check (version >= 1),
     state text not null,
     requester_chat_user_id text not null,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     body jsonb not null
   )`,
  `create index requests_requester_created_idx on requests (requester_chat_user_id, created_at desc, id desc)`,
  `create table inbound_events (
     key text primary key,
     at timestamptz not null
   )`,
  `create index inbound_events_at_idx on inbound_events (at)`,
  `create table secrets (
     request_id text primary key,
     owner_chat_user_id text not null,
     ciphertext bytea not null,
     iv bytea not null,
     auth_tag bytea not null,
     expires_at timestamptz not null
   )`,
  `create index secrets_expires_at_idx on secrets (expires_at)`,
  // seq is assigned from audit_head inside the appending transaction, not from a sequence: a sequence
  // leaves holes on rollback, and a hole must only ever mean a deleted row.
  `create table audit_events (
     seq bigint primary key check (seq > 0),
     request_id text not null,
     at timestamptz not null,
     type text not null,
     body jsonb not null,
     prev_hash text not null,
     hash text not null unique
   )`,
  `create index audit_events_request_seq_idx on audit_events (request_id, seq)`,
  `create table audit_head (
     id integer primary key default 1 check (id = 1),
     last_seq bigint not null,
     last_hash text not null
   )`,
  `insert into audit_head (id, last_seq, last_hash) values (1, 0, '${AUDIT_GENESIS_HASH}')`,
  // Invariant 9: append-only enforced by the database, not by convention. A superuser can still
  // disable the trigger — the hash chain is what makes that visible.
  `create function keyward_audit_events_append_only() returns trigger
     language plpgsql set search_path from current as $$
   begin
     raise exception 'audit_events is append-only: % rejected', tg_op using errcode = 'insufficient_privilege';
   end $$`,
  `create trigger audit_events_append_only before update or delete on audit_events
     for each row execute function keyward_audit_events_append_only()`,
  `create trigger audit_events_no_truncate before truncate on audit_events
     for each statement execute function keyward_audit_events_append_only()`,
  // The head may only move forward by one, onto the row just appended, and never disappear: rolling
  // it back would let a cut-off tail pass verification.
  `create function keyward_audit_head_guard() returns trigger
     language plpgsql set search_path from current as $$
   begin
     if tg_op <> 'UPDATE' then
       raise exception 'audit_head: % rejected', tg_op using errcode = 'insufficient_privilege';
     end if;
     if new.id <> old.id or new.last_seq <> old.last_seq + 1 or not exists (
       select 1 from audit_events e where e.seq = new.last_seq and e.hash = new.last_hash and e.prev_hash = old.last_hash
     ) then
       raise exception 'audit_head only advances onto the newest audit row' using errcode = 'insufficient_privilege';
     end if;
     return new;
   end $$`,
  `create trigger audit_head_guard before update or delete on audit_head
     for each row execute function keyward_audit_head_guard()`,
  `create trigger audit_head_no_truncate before truncate on audit_head
     for each statement execute function keyward_audit_head_guard()`,
];

const INITIAL_DOWN = [
  'drop table if exists audit_head',
  'drop table if exists audit_events',
  'drop function if exists keyward_audit_head_guard()',
  'drop function if exists keyward_audit_events_append_only()',
  'drop table if exists secrets',
  'drop table if exists inbound_events',
  'drop table if exists requests',
];

// Migrations run before the typed schema exists, so they take an untyped Kysely (kysely's own convention).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': { up: (db) => run(db, INITIAL_UP), down: (db) => run(db, INITIAL_DOWN) },
  '0002_siem_outbox_and_retention': { up: (db) => run(db, SIEM_RETENTION_UP), down: (db) => run(db, SIEM_RETENTION_DOWN) },
  // 0003: the fingerprint of the key that seals one-time secrets (vault-key-check.ts), one row.
  '0003_vault_key_check': {
    up: (db) =>
      run(db, [
        `create table vault_key_check (
           id integer primary key default 1 check (id = 1),
           fingerprint text not null,
           recorded_at timestamptz not null
         )`,
      ]),
    down: (db) => run(db, ['drop table vault_key_check']),
  },
};

/** In-code migrations (no files to ship or find at run time). Names sort in the order they apply. */
export const keywardMigrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
