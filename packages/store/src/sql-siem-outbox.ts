import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { SiemDeliveryState, SiemOutbox } from '@keyward/audit';
import type { AuditRecord } from '@keyward/core';
import type { KeywardDatabase, SiemDeliveryTable } from './database.schema';

/**
 * SiemOutbox on the audit database (see migrations-0002-siem-retention.ts). Every statement is a
 * single atomic UPDATE/INSERT/DELETE, so several worker processes can drain without a transaction
 * held across a network call; the lease is the mutual exclusion and `settle` checks it.
 */
export function createSqlSiemOutbox(db: Kysely<KeywardDatabase>): SiemOutbox {
  return {
    async register(destination, now) {
      // A new destination starts at the oldest event still queued: it gets the backlog the outbox
      // holds, not history already pruned (backfill that with `keyward audit export`).
      await sql`
        insert into siem_delivery (destination, delivered_seq, attempts, updated_at)
        values (${destination}, coalesce((select min(seq) - 1 from siem_outbox), (select last_seq from audit_head where id = 1), 0), 0, ${now})
        on conflict (destination) do nothing`.execute(db);
    },

    async lease(destination, owner, until, now) {
      const row = await db
        .updateTable('siem_delivery')
        .set({ lease_owner: owner, lease_until: until })
        .where('destination', '=', destination)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
        .returningAll()
        .executeTakeFirst();
      return row ? toState(row) : undefined;
    },

    async pending(afterSeq, limit) {
      const rows = await db.selectFrom('siem_outbox').select(['payload']).where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute();
      return rows.map((row) => {
        const record = row.payload as unknown as AuditRecord & { at: string };
        return { ...record, at: new Date(record.at) };
      });
    },

    async settle(destination, owner, update, now) {
      const result = await db
        .updateTable('siem_delivery')
        .set({
          ...(update.deliveredSeq !== undefined ? { delivered_seq: update.deliveredSeq } : {}),
          attempts: update.attempts,
          next_attempt_at: update.nextAttemptAt,
          failing_since: update.failingSince,
          alerted_at: update.alertedAt,
          last_error: update.lastError ?? null,
          updated_at: now,
        })
        .where('destination', '=', destination)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async release(destination, owner) {
      await db.updateTable('siem_delivery').set({ lease_owner: null, lease_until: null }).where('destination', '=', destination).where('lease_owner', '=', owner).execute();
    },

    async backlog() {
      const rows = await sql<{ destination: string; backlog: string | number }>`
        select d.destination, (select count(*) from siem_outbox o where o.seq > d.delivered_seq) as backlog
        from siem_delivery d order by d.destination`.execute(db);
      return Object.fromEntries(rows.rows.map((r) => [r.destination, Number(r.backlog)]));
    },

    async prune(destinations) {
      if (destinations.length === 0) return 0;
      const floor = await db.selectFrom('siem_delivery').select((eb) => eb.fn.min('delivered_seq').as('floor')).where('destination', 'in', [...destinations]).executeTakeFirst();
      const registered = await db.selectFrom('siem_delivery').select('destination').where('destination', 'in', [...destinations]).execute();
      // A destination without a cursor yet would start at the oldest row: keep everything until it registers.
      if (floor?.floor === null || floor?.floor === undefined || registered.length < new Set(destinations).size) return 0;
      const result = await db.deleteFrom('siem_outbox').where('seq', '<=', Number(floor.floor)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async states() {
      const rows = await db.selectFrom('siem_delivery').selectAll().orderBy('destination').execute();
      return rows.map(toState);
    },
  };
}

function toState(row: Selectable<SiemDeliveryTable>): SiemDeliveryState {
  return {
    destination: row.destination,
    deliveredSeq: Number(row.delivered_seq),
    attempts: row.attempts,
    ...(row.next_attempt_at ? { nextAttemptAt: new Date(row.next_attempt_at) } : {}),
    ...(row.failing_since ? { failingSince: new Date(row.failing_since) } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.alerted_at ? { alertedAt: new Date(row.alerted_at) } : {}),
  };
}
