import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, sql } from 'kysely';
import { AppError } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { keywardMigrationProvider } from './migrations';
import { OwnSchemaPostgresDialect } from './own-schema-introspector';
import { createPgPool } from './pg-pool';
import { PGliteDialect } from './pglite-dialect';

export interface OpenDatabaseOptions {
  /** `postgres://…` (production). When set, `dataDir` is ignored. */
  url?: string;
  /** PGlite data folder for the embedded default; `memory://` for tests. Used when `url` is absent. */
  dataDir?: string;
  /**
   * An already created PGlite instance to use instead of `dataDir` (custom extensions or options, or a
   * PGlite loaded outside Jest's sandbox — see testing/pglite-test-environment.ts). `close()` closes it.
   */
  pglite?: PGlite;
  /** Schema for every table (created if missing); lets tests share one database. Default `public`. */
  schema?: string;
  /** Connections in the `pg` pool. Default 10. */
  poolSize?: number;
  /**
   * Apply migrations at open (default). `false` for an application role without CREATE rights (the
   * grants option in README "Operations"): the schema is only checked to be fully migrated, and the
   * owner migrates by running any `keyward` command once with its own DATABASE_URL.
   */
  migrate?: boolean;
  /** Errors of idle pooled connections (the next query will fail too); default: ignored. */
  onPoolError?: (error: Error) => void;
}

export interface OpenedDatabase {
  db: Kysely<KeywardDatabase>;
  engine: 'postgres' | 'pglite';
  schema: string;
  /** Waits for the running query or transaction, then closes the pool / PGlite. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const POSTGRES_URL = /^postgres(ql)?:\/\//i;
// 23505 unique_violation / 42P06 duplicate_schema: two processes creating the schema at the same time.
const SCHEMA_RACE_CODES = new Set(['23505', '42P06']);

/** Opens PostgreSQL (`url`) or PGlite (`dataDir`) and brings the schema to the latest migration. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new AppError('config.invalid', `database schema "${schema}" must be a lower-case SQL identifier`);
  }
  if (options.url !== undefined && !POSTGRES_URL.test(options.url)) {
    throw new AppError('config.invalid', 'DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (options.url === undefined && !options.dataDir && !options.pglite) {
    throw new AppError('config.invalid', 'openDatabase needs a postgres:// url or a PGlite dataDir');
  }

  const opened =
    options.url !== undefined ? openPostgres(options.url, schema, options) : await openPGlite(options.pglite ?? new PGlite(options.dataDir), options.dataDir ?? 'given instance', schema);
  try {
    const migrator = new Migrator({ db: opened.db, provider: keywardMigrationProvider, migrationTableSchema: schema });
    if (options.migrate === false) {
      const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
      if (pending.length > 0) throw new Error(`migrations not applied yet (${pending.join(', ')}); run keyward once with the schema owner's DATABASE_URL`);
    } else {
      await ensureSchema(opened.db, schema);
      const { error } = await migrator.migrateToLatest();
      if (error !== undefined) throw error;
    }
  } catch (error) {
    await opened.close().catch(() => undefined);
    const unreachable = options.url === undefined ? undefined : unreachableSentence(options.url, error);
    if (unreachable !== undefined) throw new AppError('internal', unreachable, { cause: error, retryable: true });
    throw new AppError('internal', `database unavailable or migration failed: ${(error as Error).message}`, { cause: error, retryable: true });
  }
  return opened;
}

/** One sentence for a PostgreSQL server that cannot be reached at all (no credentials in it), else undefined. */
export function unreachableSentence(url: string, error: unknown): string | undefined {
  let where = 'the DATABASE_URL host';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    // keep the generic wording
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return `PostgreSQL at ${where} does not answer (connection refused). Start PostgreSQL or fix DATABASE_URL.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The PostgreSQL host in DATABASE_URL (${where}) cannot be resolved. Fix DATABASE_URL.`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `PostgreSQL at ${where} cannot be reached (${String(code)}). Check the network or DATABASE_URL.`;
  return undefined;
}

function openPostgres(url: string, schema: string, options: OpenDatabaseOptions): OpenedDatabase {
  const pool = createPgPool(
    // search_path as a startup option: set by the server on every new connection before any query, so
    // no pooled connection can ever run against the wrong schema. The name was validated above.
    { connectionString: url, max: options.poolSize ?? 10, options: `-c search_path=${schema}`, application_name: 'keyward' },
    options.onPoolError ?? (() => undefined),
  );
  const db = new Kysely<KeywardDatabase>({ dialect: new OwnSchemaPostgresDialect({ pool }, schema) });
  return { db, engine: 'postgres', schema, close: () => db.destroy() };
}

async function openPGlite(pglite: PGlite, dataDir: string, schema: string): Promise<OpenedDatabase> {
  try {
    await pglite.waitReady;
    // PGlite is a single session, so a session-level search_path holds for every later query.
    if (schema !== 'public') await pglite.exec(`create schema if not exists "${schema}"`);
    await pglite.exec(`set search_path to "${schema}"`);
  } catch (error) {
    await pglite.close().catch(() => undefined);
    throw new AppError('internal', `cannot open PGlite data folder ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<KeywardDatabase>({ dialect: new PGliteDialect(pglite, schema) });
  return { db, engine: 'pglite', schema, close: () => db.destroy() };
}

async function ensureSchema(db: Kysely<KeywardDatabase>, schema: string): Promise<void> {
  if (schema === 'public') return;
  // A schema a DBA created for us is used as is: CREATE SCHEMA checks the database-level CREATE
  // privilege even with IF NOT EXISTS, and an owner of only its schema need not hold it.
  const existing = await sql`select 1 from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
  if (existing.rows.length > 0) return;
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    if (!SCHEMA_RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
  }
}
