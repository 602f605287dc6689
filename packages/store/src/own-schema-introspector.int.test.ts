import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase } from './open-database';
import { openTestPostgres, TEST_POSTGRES_URL } from './test-databases';

/*
 * Keyward shares its PostgreSQL database with other applications' schemas and with schemas that come
 * and go (other Keyward deployments, test runs). Migrating our schema must not depend on them: kysely's
 * stock introspector resolved every table of every schema, so a schema dropped mid-query stopped
 * Keyward from starting. And a schema a DBA provisioned for Keyward is used without asking for the
 * database-wide CREATE privilege.
 */
describe('migrations look only at our own schema', () => {
  const suffix = randomBytes(5).toString('hex');
  const role = `kw_owner_${suffix}`;
  const ours = `kw_test_ours_${suffix}`;
  const theirs = `kw_test_theirs_${suffix}`;
  let admin: Awaited<ReturnType<typeof openTestPostgres>>;

  beforeAll(async () => {
    admin = await openTestPostgres();
    await sql.raw(`create role ${role} login`).execute(admin.db);
    // A schema a DBA provisioned for Keyward (no database-wide CREATE for the role) …
    await sql.raw(`create schema ${ours} authorization ${role}`).execute(admin.db);
    // … beside another application's schema with a serial column, which the role may not use.
    await sql.raw(`create schema ${theirs}`).execute(admin.db);
    await sql.raw(`create table ${theirs}.invoices (id serial primary key, total numeric)`).execute(admin.db);
    await sql.raw(`revoke all on schema ${theirs} from public`).execute(admin.db);
  });

  afterAll(async () => {
    await sql.raw(`drop schema if exists ${ours} cascade`).execute(admin.db);
    await sql.raw(`drop schema if exists ${theirs} cascade`).execute(admin.db);
    await sql.raw(`drop role if exists ${role}`).execute(admin.db);
    await admin.dispose();
  });

  function urlFor(user: string): string {
    const url = new URL(TEST_POSTGRES_URL);
    url.username = user;
    return url.toString();
  }

  it('migrates a DBA-provisioned schema, then opens it without migrating, as a role without database CREATE', async () => {
    const migrated = await openDatabase({ url: urlFor(role), schema: ours, poolSize: 1 });
    try {
      const tables = await sql<{ name: string }>`select tablename as name from pg_catalog.pg_tables where schemaname = ${ours}`.execute(migrated.db);
      expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['requests', 'audit_events', 'kysely_migration']));
    } finally {
      await migrated.close();
    }
    const checked = await openDatabase({ url: urlFor(role), schema: ours, poolSize: 1, migrate: false });
    await checked.close();
  });

  it('migrates fresh schemas while other schemas with serial columns are created and dropped', async () => {
    let churning = true;
    const churn = (async () => {
      for (let round = 0; churning; round += 1) {
        const name = `kw_test_churn_${suffix}_${round}`;
        await sql.raw(`create schema ${name}; create table ${name}.t (id serial primary key)`).execute(admin.db);
        await sql.raw(`drop schema ${name} cascade`).execute(admin.db);
      }
    })();
    try {
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const opened = await openTestPostgres();
        await opened.dispose();
      }
    } finally {
      churning = false;
      await churn;
    }
  });
});
