import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { KeywardDatabase } from './database.schema';
import { openDatabase } from './open-database';
import type { OpenedDatabase } from './open-database';

/*
 * Test helpers (not exported from the package). The one place that reads the environment, so CI can
 * point the integration tests at another server.
 */
export const TEST_POSTGRES_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function randomTestSchema(): string {
  return `kw_test_${randomBytes(6).toString('hex')}`;
}

/** A PostgreSQL schema of its own; `dispose` drops it and closes the pool. */
export async function openTestPostgres(schema = randomTestSchema()): Promise<OpenedDatabase & { dispose(): Promise<void> }> {
  const opened = await openDatabase({ url: TEST_POSTGRES_URL, schema, poolSize: 5 });
  return {
    ...opened,
    async dispose() {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(opened.db);
      } finally {
        await opened.close();
      }
    },
  };
}

/**
 * Runs `tamper` with the audit triggers off, as only the table owner or a superuser can — the attacker
 * the hash chain exists for. Re-enabled in the same transaction.
 */
export async function tamperWithAudit(db: Kysely<KeywardDatabase>, tamper: (trx: Transaction<KeywardDatabase>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_events disable trigger user`.execute(trx);
    await sql`alter table audit_head disable trigger user`.execute(trx);
    await tamper(trx);
    await sql`alter table audit_events enable trigger user`.execute(trx);
    await sql`alter table audit_head enable trigger user`.execute(trx);
  });
}
