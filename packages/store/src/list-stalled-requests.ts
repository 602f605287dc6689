import type { Kysely } from 'kysely';
import type { KeywardDatabase } from './database.schema';

/**
 * Requests that sit in one of `states` and have not changed since `updatedBefore`, oldest first: the
 * ones whose next job may never have been queued (the gateway stored the message, then Redis was
 * unreachable) or was lost with a Redis that kept no data. Served by the state/updated_at columns.
 */
export async function listStalledRequests(db: Kysely<KeywardDatabase>, options: { states: readonly string[]; updatedBefore: Date; limit: number }): Promise<{ id: string; state: string }[]> {
  if (options.states.length === 0) return [];
  return db
    .selectFrom('requests')
    .select(['id', 'state'])
    .where('state', 'in', [...options.states])
    .where('updated_at', '<', options.updatedBefore)
    .orderBy('updated_at', 'asc')
    .limit(options.limit)
    .execute();
}
