/**
 * @jest-environment ./packages/store/src/testing/pglite-test-environment.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { AppError } from '@keyward/core';
import { openDatabase } from './open-database';
import { createSqlRequestStore } from './sql-request-store';
import { sampleRequest } from './sql-store.contract';
import { createHostPGlite } from './testing/host-pglite';

describe('openDatabase', () => {
  it.each([
    [{}, /url or a PGlite dataDir/],
    [{ url: 'sqlite:./data/keyward.db' }, /postgres:\/\//],
    [{ dataDir: 'memory://', schema: 'Robert"; drop table x;--' }, /lower-case SQL identifier/],
  ])('refuses bad options %j with config.invalid', async (options, message) => {
    const error = await openDatabase(options).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'config.invalid', message: expect.stringMatching(message) });
  });

  it('reports an unreachable PostgreSQL as a retryable error', async () => {
    const error = await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'internal', retryable: true, message: 'PostgreSQL at 127.0.0.1:1 does not answer (connection refused). Start PostgreSQL or fix DATABASE_URL.' });
  });

  it('names an unknown host in one sentence, without the credentials', async () => {
    const error = await openDatabase({ url: 'postgres://kw:s3cret@no-such-host.invalid:5432/none' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'internal', message: 'The PostgreSQL host in DATABASE_URL (no-such-host.invalid:5432) cannot be resolved. Fix DATABASE_URL.' });
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  describe('PGlite on disk', () => {
    let dataDir: string;

    beforeAll(async () => {
      dataDir = join(await mkdtemp(join(tmpdir(), 'keyward-store-')), 'pgdata');
    });

    afterAll(async () => {
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    });

    it('keeps data across a restart, migrates once, and serialises a transaction against other callers', async () => {
      const request = sampleRequest();
      const opened = await openDatabase({ pglite: createHostPGlite(dataDir), schema: 'keyward' });
      try {
        const store = createSqlRequestStore(opened.db);
        await store.create(request);

        // PGlite is one session: without the driver's lock, the claim below would run inside the
        // transaction and be rolled back with it.
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => {
          entered = resolve;
        });
        const transaction = opened.db
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('inbound_events').values({ key: 'in-tx', at: new Date() }).execute();
            entered();
            await new Promise((resolve) => setTimeout(resolve, 50));
            throw new Error('roll back');
          })
          .catch((error: unknown) => error);
        await inside;
        expect(await store.claimInboundEvent('outside', new Date())).toBe(true);
        expect(await transaction).toMatchObject({ message: 'roll back' });
        const keys = await opened.db.selectFrom('inbound_events').select('key').execute();
        expect(keys.map((k) => k.key)).toEqual(['outside']);
      } finally {
        await opened.close();
      }

      const reopened = await openDatabase({ pglite: createHostPGlite(dataDir), schema: 'keyward' });
      try {
        expect(await createSqlRequestStore(reopened.db).get(request.id)).toEqual(request);
        const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(reopened.db);
        expect(migrations.rows.map((r) => r.name)).toEqual(['0001_initial', '0002_siem_outbox_and_retention', '0003_vault_key_check']);
        expect(await createSqlRequestStore(reopened.db).claimInboundEvent('outside', new Date())).toBe(false);
      } finally {
        await reopened.close();
      }
    }, 60_000);
  });
});
