import type { PGlite } from '@electric-sql/pglite';
import { CompiledQuery } from 'kysely';
import type { DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { AsyncMutex } from './async-mutex';

const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * PGlite's serializers test `instanceof Date` / `instanceof Uint8Array`, which fails for values from
 * another JS realm (a Jest sandbox, a vm context). Dates go as ISO text (Postgres parses it exactly)
 * and byte arrays as Buffers, so parameters never depend on where they were created.
 */
function toPGliteParameter(value: unknown): unknown {
  if (Object.prototype.toString.call(value) === '[object Date]') return (value as Date).toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof Uint8Array)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiledQuery.sql, compiledQuery.parameters.map(toPGliteParameter));
    const command = result.command?.toUpperCase();
    // Same contract as kysely's own Postgres driver: COMMIT/ROLLBACK report their tag, so that a COMMIT
    // answered with ROLLBACK (earlier error in the transaction) is not mistaken for success.
    if (command === 'COMMIT' || command === 'ROLLBACK') return { rows: [{ command } as R] };
    return {
      rows: result.rows,
      numAffectedRows: command !== undefined && WRITE_COMMANDS.has(command) ? BigInt(result.affectedRows ?? 0) : undefined,
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    // PGlite's query API has no cursor; the rows are already in memory, so hand them out in chunks.
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

/**
 * Kysely driver over one PGlite instance. PGlite is a single Postgres backend: a transaction is just
 * BEGIN … COMMIT on the one session, so any statement from another caller issued in between would run
 * inside it. The mutex hands the single connection to one kysely caller at a time (a plain query or a
 * whole transaction), which gives callers the isolation a pool of connections would.
 * Hazard: inside `db.transaction()` use the `trx` handle only — a query on `db` there waits forever.
 */
export class PGliteDriver implements Driver {
  readonly #mutex = new AsyncMutex();
  readonly #connection: PGliteConnection;
  /** Release of the current holder; the one connection has at most one holder. */
  #release: (() => void) | undefined;

  constructor(private readonly pglite: PGlite) {
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.acquire();
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      statement = 'start transaction';
      if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) statement += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command?: string }>(CompiledQuery.raw('commit'));
    if (rows[0]?.command === 'ROLLBACK') throw new Error('transaction was aborted by an earlier error and rolled back');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(_connection: DatabaseConnection): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    // Wait for the current holder so close() does not cut a transaction in half.
    const release = await this.#mutex.acquire();
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      release();
    }
  }
}
