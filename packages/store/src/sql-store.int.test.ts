import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase } from './open-database';
import type { OpenedDatabase } from './open-database';
import { createSqlAuditLog } from './sql-audit-log';
import { createSqlRequestStore } from './sql-request-store';
import { createSqlSecretVault } from './sql-secret-vault';
import { describeSqlStoreContract, sampleAuditEvent, sampleRequest } from './sql-store.contract';
import { openTestPostgres, randomTestSchema, TEST_POSTGRES_URL } from './test-databases';
import { verifyStoredAuditChain } from './verify-stored-audit-chain';

// Real PostgreSQL (127.0.0.1:5432, database `test`); every test gets a schema of its own and drops it.

describe('SQL store on PostgreSQL', () => {
  let current: Awaited<ReturnType<typeof openTestPostgres>> | undefined;

  beforeEach(async () => {
    current = await openTestPostgres();
  });

  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  describeSqlStoreContract(() => {
    if (!current) throw new Error('database not open');
    return current.db;
  });

  it('creates its tables in the requested schema only', async () => {
    const db = current!.db;
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${current!.schema} order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['audit_events', 'audit_head', 'inbound_events', 'requests', 'secrets']));
  });
});

describe('PostgreSQL, two processes (two pools on one schema)', () => {
  const schema = randomTestSchema();
  let first: OpenedDatabase;
  let second: OpenedDatabase;

  beforeAll(async () => {
    // Both "processes" start at once: migrations and schema creation must not trip over each other.
    [first, second] = await Promise.all([
      openDatabase({ url: TEST_POSTGRES_URL, schema, poolSize: 5 }),
      openDatabase({ url: TEST_POSTGRES_URL, schema, poolSize: 5 }),
    ]);
  });

  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(first.db);
    await Promise.all([first.close(), second.close()]);
  });

  it('ran the migrations once', async () => {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(first.db);
    expect(rows.rows.map((r) => r.name)).toEqual(['0001_initial', '0002_siem_outbox_and_retention', '0003_vault_key_check']);
  });

  it('keeps one unbroken chain under 50 concurrent appends from both pools', async () => {
    const logs = [createSqlAuditLog(first.db), createSqlAuditLog(second.db)];
    const before = await verifyStoredAuditChain(first.db);
    const start = before.ok ? before.lastSeq : 0;
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => logs[i % 2]!.append(sampleAuditEvent({ details: { i } }))));
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => start + i + 1));
    expect(await verifyStoredAuditChain(second.db, { pageSize: 9 })).toEqual(expect.objectContaining({ ok: true, lastSeq: start + 50 }));
  });

  it('lets exactly one of two saves from the same version win across pools', async () => {
    const stores = [createSqlRequestStore(first.db), createSqlRequestStore(second.db)];
    for (let round = 0; round < 10; round += 1) {
      const request = sampleRequest();
      await stores[0]!.create(request);
      const next = (state: 'understood' | 'refused') => ({ ...request, state, version: 2 });
      const results = await Promise.all([stores[0]!.save(next('understood')), stores[1]!.save(next('refused'))]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('claims an inbound event once across pools', async () => {
    const stores = [createSqlRequestStore(first.db), createSqlRequestStore(second.db)];
    const key = `slack:Ev${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.claimInboundEvent(key, new Date())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('hands a secret out once across pools', async () => {
    const key = randomBytes(32);
    const vaults = [createSqlSecretVault(first.db, { key }), createSqlSecretVault(second.db, { key })];
    const requestId = randomUUID();
    const expiresAt = new Date(Date.now() + 60_000);
    await vaults[0]!.put(requestId, 'temp-Pa55', { ownerChatUserId: 'U1', expiresAt });
    const results = await Promise.allSettled([vaults[0]!.take(requestId, 'U1', new Date()), vaults[1]!.take(requestId, 'U1', new Date())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
