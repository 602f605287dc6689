import type { Kysely } from 'kysely';
import { AppError, TERMINAL_STATES } from '@keyward/core';
import type { RequestStore, ServiceRequest } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';

// The port's "no limit" still gets a ceiling: one chat user's history is never worth an unbounded read.
const MAX_LIST_LIMIT = 500;
const UNIQUE_VIOLATION = '23505';

/** RequestStore over SQL: one row per request, the whole request as jsonb, version-checked writes. */
export function createSqlRequestStore(db: Kysely<KeywardDatabase>): RequestStore {
  const terminal = [...TERMINAL_STATES];

  return {
    async create(request) {
      try {
        await db
          .insertInto('requests')
          .values({
            id: request.id,
            version: request.version,
            state: request.state,
            requester_chat_user_id: request.requester.chatUserId,
            created_at: new Date(request.createdAt),
            updated_at: new Date(request.updatedAt),
            body: JSON.stringify(request),
          })
          .execute();
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new AppError('request.version_conflict', `request ${request.id} already exists`, { details: { requestId: request.id } });
        }
        throw error;
      }
    },

    async get(id) {
      const row = await db.selectFrom('requests').select('body').where('id', '=', id).executeTakeFirst();
      return row?.body;
    },

    async save(next) {
      // One statement is the whole compare-and-swap: no read-then-write window for a second writer.
      // A terminal row may still be saved (message ids, secretPending) but never to another state.
      const result = await db
        .updateTable('requests')
        .set({
          version: next.version,
          state: next.state,
          updated_at: new Date(next.updatedAt),
          body: JSON.stringify(next),
        })
        .where('id', '=', next.id)
        .where('version', '=', next.version - 1)
        .where((eb) => eb.or([eb('state', 'not in', terminal), eb('state', '=', next.state)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async listByRequester(chatUserId, options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? MAX_LIST_LIMIT), 1), MAX_LIST_LIMIT);
      let query = db
        .selectFrom('requests')
        .select('body')
        .where('requester_chat_user_id', '=', chatUserId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (options.openOnly) query = query.where('state', 'not in', terminal);
      const rows = await query.execute();
      return rows.map((row): ServiceRequest => row.body);
    },

    async claimInboundEvent(key, at) {
      // The primary key decides: concurrent deliveries of one event race on the insert and exactly one
      // gets a row back, in any process.
      const inserted = await db
        .insertInto('inbound_events')
        .values({ key, at })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    },
  };
}
