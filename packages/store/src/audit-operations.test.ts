/**
 * @jest-environment ./packages/store/src/testing/pglite-test-environment.ts
 */
import { describeAuditOperationsContract } from './audit-operations.contract';
import { openDatabase } from './open-database';
import type { OpenedDatabase } from './open-database';
import { createHostPGlite } from './testing/host-pglite';

let opened: OpenedDatabase | undefined;

beforeAll(async () => {
  opened = await openDatabase({ pglite: createHostPGlite('memory://') });
}, 60_000);

afterAll(async () => {
  await opened?.close();
});

describe('audit operations on PGlite', () => {
  describeAuditOperationsContract(() => {
    if (!opened) throw new Error('database not open');
    return opened.db;
  });
});
