import type { PostgresPool } from 'kysely';

/** The subset of node-postgres' pool options used here (pg ships no type declarations). */
export interface PgPoolOptions {
  connectionString: string;
  max?: number;
  /** Startup options, e.g. `-c search_path=…`: applied by the server before the first query on every connection. */
  options?: string;
  application_name?: string;
}

interface PgModule {
  Pool: new (options: PgPoolOptions) => PostgresPool & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/**
 * Creates a node-postgres pool typed as kysely's PostgresPool. The one place `pg` is loaded, so
 * adding @types/pg later changes this file only.
 */
export function createPgPool(options: PgPoolOptions, onError: (error: Error) => void): PostgresPool {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg has no bundled types and @types/pg is not installed; PgModule above types the part we use
  const pg = require('pg') as PgModule;
  const pool = new pg.Pool(options);
  // An idle client losing its server emits 'error' on the pool; unhandled, that event kills the process.
  pool.on('error', onError);
  return pool;
}
