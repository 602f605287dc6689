import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '@keyward/core';
import { renderAppRoleGrants } from './app-role-grants';
import { openDatabase } from './open-database';
import { createSqlSecretVault } from './sql-secret-vault';
import { openTestPostgres, randomTestSchema, TEST_POSTGRES_URL } from './test-databases';
import { checkVaultKey, vaultKeyFingerprint } from './vault-key-check';

/*
 * Several hosts on one PostgreSQL database must seal and open one-time secrets with one key. Without
 * SECRET_ENCRYPTION_KEY each host generates its own under DATA_DIR: a worker would seal a reset link
 * that the gateway cannot open. The second key is refused at start-up instead.
 */
describe('checkVaultKey on PostgreSQL', () => {
  let opened: Awaited<ReturnType<typeof openTestPostgres>>;
  const first = randomBytes(32);
  const second = randomBytes(32);
  const now = new Date('2026-01-05T09:00:00Z');

  beforeAll(async () => {
    opened = await openTestPostgres();
  });
  afterAll(async () => opened.dispose());

  it('records the first key, accepts it again, and refuses another with one sentence', async () => {
    expect(await checkVaultKey(opened.db, first, { now })).toBe('recorded');
    expect(await checkVaultKey(opened.db, first, { now })).toBe('matches');
    const error = await checkVaultKey(opened.db, second, { now }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'config.invalid', message: expect.stringMatching(/^SECRET_ENCRYPTION_KEY is not the key the other Keyward processes on this database use\./) });
    // The fingerprint proves the key without revealing it.
    const row = await opened.db.selectFrom('vault_key_check').selectAll().executeTakeFirstOrThrow();
    expect(row.fingerprint).toBe(vaultKeyFingerprint(first));
    expect(row.fingerprint).not.toContain(first.toString('hex'));
  });

  it('adopts a new key on purpose: the fingerprint moves and secrets sealed under the old key are gone', async () => {
    const old = createSqlSecretVault(opened.db, { key: first });
    await old.put('rq_sealed_old', 'https://example.okta.com/reset/abc', { ownerChatUserId: 'U1', expiresAt: new Date(now.getTime() + 3_600_000) });
    expect(await checkVaultKey(opened.db, second, { adopt: true, now })).toBe('adopted');
    expect(await checkVaultKey(opened.db, second, { now })).toBe('matches');
    await expect(checkVaultKey(opened.db, first, { now })).rejects.toMatchObject({ code: 'config.invalid' });
    const vault = createSqlSecretVault(opened.db, { key: second });
    await expect(vault.take('rq_sealed_old', 'U1', now)).rejects.toMatchObject({ code: 'secret.not_found' });
  });
});

describe('checkVaultKey as a restricted app role', () => {
  const suffix = randomBytes(5).toString('hex');
  const role = `kw_app_${suffix}`;
  const schema = randomTestSchema();
  let owner: Awaited<ReturnType<typeof openTestPostgres>>;

  beforeAll(async () => {
    owner = await openTestPostgres(schema);
    await sql.raw(`create role ${role} login`).execute(owner.db);
  });
  afterAll(async () => {
    // The role's privileges go with the schema; then the role itself.
    await owner.dispose();
    const admin = await openTestPostgres();
    try {
      await sql.raw(`drop role if exists ${role}`).execute(admin.db);
    } finally {
      await admin.dispose();
    }
  });

  async function asApp<T>(run: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    const app = await openDatabase({ url: url.toString(), schema: schema, poolSize: 1, migrate: false });
    try {
      return await run(app.db);
    } finally {
      await app.close();
    }
  }

  it('an app role set up before the table existed gets one sentence naming the fix; with the grants it records the key but cannot replace it', async () => {
    const grants = renderAppRoleGrants({ schema: schema, role });
    for (const statement of grants.filter((g) => !g.includes('vault_key_check'))) await sql.raw(statement).execute(owner.db);
    const key = randomBytes(32);
    const refused = await asApp((db) => checkVaultKey(db, key)).catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ code: 'config.invalid', message: expect.stringMatching(/^The database role may not use the vault_key_check table \(new in this version\)\. Print the grants with `npx keyward audit grants/) });

    for (const statement of grants) await sql.raw(statement).execute(owner.db);
    expect(await asApp((db) => checkVaultKey(db, key))).toBe('recorded');
    await expect(asApp((db) => checkVaultKey(db, randomBytes(32), { adopt: true }))).rejects.toThrow(/permission denied/);
  });
});
