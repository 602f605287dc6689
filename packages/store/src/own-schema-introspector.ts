import { PostgresDialect, sql } from 'kysely';
import type { DatabaseIntrospector, DatabaseMetadata, Kysely, PostgresDialectConfig, QueryExecutorProvider, SchemaMetadata, TableMetadata } from 'kysely';

/**
 * What kysely's Migrator sees of the database: our own schema and nothing else.
 *
 * Kysely's Postgres introspector lists the tables of *every* schema and calls
 * `pg_get_serial_sequence('<schema>.<table>', …)` on each column. That call resolves the name again
 * against the live catalogue, so it fails when any other schema is dropped between the query's
 * snapshot and the call ("schema … does not exist") or is one our role may not use ("permission
 * denied for schema …"). Keyward often shares a database — with other apps, with other Keyward
 * schemas, with test runs — so the migrator looks only at the schema it owns.
 */
export class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: QueryExecutorProvider,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows.map((row) => ({ name: row.name }));
  }

  /** The schema's tables and views, by name (columns are not needed by the migrator and not read). */
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = ${this.schema} and c.relkind in ('r', 'p', 'v', 'm')
       order by c.relname`.execute(this.db);
    return rows.map((row) => ({ name: row.name, schema: this.schema, isView: row.kind === 'v' || row.kind === 'm', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** kysely's PostgresDialect with the introspector above. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string,
  ) {
    super(config);
  }

  // Kysely's own Dialect interface types this parameter as Kysely<any>.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db, this.schema);
  }
}
