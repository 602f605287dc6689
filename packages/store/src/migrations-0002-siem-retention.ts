import { AUDIT_GENESIS_HASH } from '@keyward/audit';

/*
 * 0002: SIEM outbox, per-destination delivery cursors, and a retention checkpoint (issue #6).
 * Statements run one by one (PGlite's extended protocol takes one statement per call).
 *
 * - siem_outbox: one row per audit event, inserted by the appending transaction itself, so an event
 *   is either in the log AND queued for the SIEM, or in neither (invariant 9: a SIEM outage loses
 *   nothing). It holds a copy of the record, so forwarding never depends on audit retention.
 * - siem_delivery: one row per destination; `delivered_seq` is its in-order cursor. A lease
 *   (`lease_owner`, `lease_until`) keeps two workers from sending the same batch at once, without
 *   holding a transaction open across network I/O (PGlite has a single session).
 * - audit_checkpoint: the seq and hash of the newest row removed by retention. Verification starts
 *   there instead of at the genesis, so a pruned log stays provable. It only moves forward, and only
 *   onto a row that exists with that hash at the moment it moves.
 */
export const SIEM_RETENTION_UP = [
  `create table siem_outbox (
     seq bigint primary key check (seq > 0),
     payload jsonb not null,
     enqueued_at timestamptz not null
   )`,
  `create table siem_delivery (
     destination text primary key,
     delivered_seq bigint not null check (delivered_seq >= 0),
     attempts integer not null default 0,
     next_attempt_at timestamptz,
     failing_since timestamptz,
     last_error text,
     alerted_at timestamptz,
     lease_owner text,
     lease_until timestamptz,
     updated_at timestamptz not null
   )`,
  `create table audit_checkpoint (
     id integer primary key default 1 check (id = 1),
     seq bigint not null check (seq >= 0),
     hash text not null,
     removed bigint not null default 0,
     at timestamptz
   )`,
  `insert into audit_checkpoint (id, seq, hash, removed, at) values (1, 0, '${AUDIT_GENESIS_HASH}', 0, null)`,
  `create function keyward_audit_checkpoint_guard() returns trigger
     language plpgsql set search_path from current as $$
   begin
     if tg_op <> 'UPDATE' then
       raise exception 'audit_checkpoint: % rejected', tg_op using errcode = 'insufficient_privilege';
     end if;
     if new.id <> old.id or new.seq < old.seq or new.removed < old.removed or not exists (
       select 1 from audit_events e where e.seq = new.seq and e.hash = new.hash
     ) then
       raise exception 'audit_checkpoint only advances onto an existing audit row' using errcode = 'insufficient_privilege';
     end if;
     return new;
   end $$`,
  `create trigger audit_checkpoint_guard before update or delete on audit_checkpoint
     for each row execute function keyward_audit_checkpoint_guard()`,
  `create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
     for each statement execute function keyward_audit_checkpoint_guard()`,
  // Retention is the one DELETE allowed: rows at or below the checkpoint, in a transaction that
  // asked for it explicitly (SET LOCAL keyward.audit_retention = 'on'). UPDATE and TRUNCATE stay
  // forbidden. Where the application role has no DELETE grant (README "Operations"), even this needs
  // the owner role, which is the point of that deployment option.
  `create or replace function keyward_audit_events_append_only() returns trigger
     language plpgsql set search_path from current as $$
   begin
     if tg_op = 'DELETE'
        and current_setting('keyward.audit_retention', true) = 'on'
        and old.seq <= (select c.seq from audit_checkpoint c where c.id = 1) then
       return old;
     end if;
     raise exception 'audit_events is append-only: % rejected', tg_op using errcode = 'insufficient_privilege';
   end $$`,
];

export const SIEM_RETENTION_DOWN = [
  `create or replace function keyward_audit_events_append_only() returns trigger
     language plpgsql set search_path from current as $$
   begin
     raise exception 'audit_events is append-only: % rejected', tg_op using errcode = 'insufficient_privilege';
   end $$`,
  'drop table if exists audit_checkpoint',
  'drop function if exists keyward_audit_checkpoint_guard()',
  'drop table if exists siem_delivery',
  'drop table if exists siem_outbox',
];
