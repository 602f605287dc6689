import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { KeywardDatabase } from './database.schema';
import { renderAppRoleGrants } from './app-role-grants';
import { describeAuditOperationsContract } from './audit-operations.contract';
import { createPgPool } from './pg-pool';
import { openDatabase } from './open-database';
import { createSqlAuditLog } from './sql-audit-log';
import { openTestPostgres, TEST_POSTGRES_URL } from './test-databases';
import { verifyStoredAuditChain } from './verify-stored-audit-chain';

describe('audit operations on PostgreSQL', () => {
  let current: Awaited<ReturnType<typeof openTestPostgres>> | undefined;

  beforeAll(async () => {
    current = await openTestPostgres();
  });

  afterAll(async () => {
    await current?.dispose();
  });

  describeAuditOperationsContract(() => {
    if (!current) throw new Error('database not open');
    return current.db;
  });
});

describe('application role with only SELECT/INSERT on the audit log (grants option)', () => {
  let owner: Awaited<ReturnType<typeof openTestPostgres>>;
  const role = `kw_app_${randomBytes(5).toString('hex')}`;
  let app: Kysely<KeywardDatabase>;

  beforeAll(async () => {
    owner = await openTestPostgres();
    await sql.raw(`create role ${role} login`).execute(owner.db);
    for (const statement of renderAppRoleGrants({ schema: owner.schema, role })) await sql.raw(statement).execute(owner.db);
    // The role logs in as itself (trust auth on the test server), with the same search_path the app uses.
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    const pool = createPgPool({ connectionString: url.toString(), max: 2, options: `-c search_path=${owner.schema}` }, () => undefined);
    app = new Kysely<KeywardDatabase>({ dialect: new PostgresDialect({ pool }) });
  });

  afterAll(async () => {
    await app?.destroy();
    await owner.dispose();
    await sql.raw(`drop role if exists ${role}`).execute(owner.db).catch(() => undefined);
  });

  it('opens the migrated schema as the restricted role (migrations already applied by the owner)', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    const opened = await openDatabase({ url: url.toString(), schema: owner.schema, poolSize: 1, migrate: false });
    await opened.close();
  });

  it('appends and verifies, with the outbox, as the restricted role', async () => {
    const audit = createSqlAuditLog(app, { siemOutbox: true });
    const record = await audit.append({ requestId: 'rq_grants', at: new Date(), type: 'request.received', channel: { surface: 'slack' }, requester: { chatUserId: 'U1' }, agent: { name: 'keyward', version: '0.1.0' } });
    expect(record.seq).toBeGreaterThan(0);
    expect(await verifyStoredAuditChain(app)).toMatchObject({ ok: true });
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the grants even with the triggers disabled by the owner', async () => {
    await sql`alter table audit_events disable trigger user`.execute(owner.db);
    try {
      await expect(sql`update audit_events set type = 'x'`.execute(app)).rejects.toThrow(/permission denied/);
      await expect(sql`delete from audit_events`.execute(app)).rejects.toThrow(/permission denied/);
      await expect(sql`truncate audit_events`.execute(app)).rejects.toThrow(/permission denied/);
      await expect(sql`update audit_checkpoint set seq = 0`.execute(app)).rejects.toThrow(/permission denied/);
      await expect(sql`alter table audit_events disable trigger user`.execute(app)).rejects.toThrow(/must be owner/);
    } finally {
      await sql`alter table audit_events enable trigger user`.execute(owner.db);
    }
  });
});
