import type { PGlite } from '@electric-sql/pglite';
import { PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely';
import { PGliteDriver } from './pglite-driver';

/**
 * Kysely dialect for PGlite (Postgres compiled to WASM). PGlite *is* PostgreSQL, so the SQL side —
 * compiler, adapter (RETURNING, transactional DDL, advisory-lock migrations), introspector — is
 * kysely's own Postgres implementation; only the driver differs. Written here because
 * kysely-pglite-dialect's peer range stops at PGlite 0.4.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  // Kysely's own Dialect interface types this parameter as Kysely<any>.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
