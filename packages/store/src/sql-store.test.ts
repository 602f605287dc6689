/**
 * @jest-environment ./packages/store/src/testing/pglite-test-environment.ts
 */
import { openDatabase } from './open-database';
import type { OpenedDatabase } from './open-database';
import { describeSqlStoreContract } from './sql-store.contract';
import { createHostPGlite } from './testing/host-pglite';

// One in-memory PGlite for the whole file: initdb costs seconds per instance.
let opened: OpenedDatabase | undefined;

beforeAll(async () => {
  opened = await openDatabase({ pglite: createHostPGlite('memory://') });
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

describe('SQL store on PGlite', () => {
  describeSqlStoreContract(() => {
    if (!opened) throw new Error('database not open');
    return opened.db;
  });
});
