import type { PGlite } from '@electric-sql/pglite';
import { PostgresAdapter, PostgresQueryCompiler } from 'kysely';
import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely';
import { OwnSchemaIntrospector } from './own-schema-introspector';
import { PGliteDriver } from './pglite-driver';

/**
 * Kysely dialect for PGlite (Postgres compiled to WASM). PGlite *is* PostgreSQL, so the SQL side —
 * compiler, adapter (RETURNING, transactional DDL, advisory-lock migrations) — is kysely's own
 * Postgres implementation; the driver differs, and the introspector sees only our schema (as on
 * PostgreSQL). Written here because
 * kysely-pglite-dialect's peer range stops at PGlite 0.4.
 */
export class PGliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly schema: string,
  ) {}

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
    return new OwnSchemaIntrospector(db, this.schema);
  }
}
