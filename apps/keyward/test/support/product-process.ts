import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { openDatabase } from '@keyward/store';

/*
 * The process plumbing every black-box harness shares: run `node apps/keyward/bin/keyward.js start`
 * as a child process with exactly the environment the harness built, capture its output, wait until
 * it is ready, stop it (SIGTERM or SIGKILL) and record how it exited, and afterwards remove what the
 * run left behind (its PostgreSQL schema, its Redis keys, its temp directories). What the product is
 * configured with, and which vendor fakes stand in front of it, stays in each harness.
 */

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const KEYWARD_BIN = path.join(REPO_ROOT, 'apps/keyward/bin/keyward.js');

/** Same override as the store's own integration tests, so CI can point every suite at one server. */
export const TEST_DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** What one run owns: its PostgreSQL schema, its Redis key prefix and its temp directory. */
export interface Run {
  schema: string;
  queuePrefix: string;
  dataDir: string;
}

/**
 * A fresh run: schema `<schema>_<id>`, queue prefix `{<queue>-<id>}` (one Redis Cluster slot), and a
 * new temp directory `<dir>-…`.
 */
export function newRun(names: { schema: string; queue: string; dir: string }): Run {
  const runId = randomBytes(5).toString('hex');
  return { schema: `${names.schema}_${runId}`, queuePrefix: `{${names.queue}-${runId}}`, dataDir: mkdtempSync(path.join(tmpdir(), `${names.dir}-`)) };
}

/**
 * The part of the environment every harness gives the product: PATH and nothing else from the host
 * (Node needs nothing else; PATH lets the product find redis-server should it ever need one; HOME is
 * the run's temp dir, so a developer's dotfiles — ~/.okta/okta.yaml… — cannot matter), the
 * run's Redis prefix, schema and data dir, and loopback only (Teams emulator mode insists; with Slack
 * configured the product would otherwise bind 0.0.0.0). PORT when given.
 */
export function runEnv(run: Run, options: { port?: number; redisUrl?: string; databaseUrl?: string } = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: run.dataDir,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    QUEUE_PREFIX: run.queuePrefix,
    DATABASE_URL: options.databaseUrl ?? TEST_DATABASE_URL,
    DATABASE_SCHEMA: run.schema,
    DATA_DIR: run.dataDir,
    HOST: '127.0.0.1',
    ...(options.port === undefined ? {} : { PORT: String(options.port) }),
  };
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall-clock ms of the exit. */
  at: number;
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to exit (0 when the process had already exited). */
  ms: number;
}

export interface KeywardChild {
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<ProcessExit>;
  /** How it exited, or undefined while it runs. */
  exit(): ProcessExit | undefined;
  /** SIGTERM (graceful) or SIGKILL (crash); resolves at exit with the code and the time it took. */
  stop(signal?: NodeJS.Signals): Promise<StopResult>;
  /** SIGKILL unless it already exited; resolves at exit. */
  kill(): Promise<void>;
}

/** Starts `keyward start` (optionally `--role <role>`) with `env` as its whole environment. */
export function spawnKeyward(options: { env: Record<string, string>; role?: string; cwd?: string }): KeywardChild {
  const args = options.role === undefined ? ['start'] : ['start', '--role', options.role];
  const chunks: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [KEYWARD_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  let exitInfo: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal, at: Date.now() };
      resolve(exitInfo);
    });
  });
  return {
    pid: child.pid ?? -1,
    output: () => chunks.join(''),
    exited,
    exit: () => exitInfo,
    async stop(signal = 'SIGTERM') {
      if (exitInfo !== undefined) return { code: exitInfo.code, signal: exitInfo.signal, ms: 0 };
      const sentAt = Date.now();
      child.kill(signal);
      const info = await exited;
      return { code: info.code, signal: info.signal, ms: info.at - sentAt };
    },
    async kill() {
      if (exitInfo !== undefined) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ReadyOptions {
  /** Names the process in the error ('keyward', 'gateway-1'). Default 'keyward'. */
  name?: string;
  /** Default 45 s. */
  timeoutMs?: number;
  /** Runs before the start-up error is thrown (the harness's clean-up). */
  onFailure?: () => Promise<void> | void;
}

/**
 * Polls `isReady` every 50 ms; a child that exits first, or is not ready in time, fails with its
 * output (after `onFailure`). `goal` completes "did not … within N s".
 */
export async function waitForReady(child: KeywardChild, isReady: () => Promise<boolean> | boolean, goal: string, options: ReadyOptions = {}): Promise<void> {
  const name = options.name ?? 'keyward';
  const timeoutMs = options.timeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = child.exit();
    if (exit !== undefined) {
      await options.onFailure?.();
      throw new Error(`${name} exited during start-up (code ${exit.code}, signal ${exit.signal}):\n${child.output()}`);
    }
    if (await isReady()) return;
    if (Date.now() > deadline) {
      await options.onFailure?.();
      throw new Error(`${name} did not ${goal} within ${timeoutMs / 1000} s:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The status of GET `url`/healthz, 0 when nothing answers. */
export function healthStatus(url: string): Promise<number> {
  return fetch(`${url}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
}

/** Ready means GET /healthz = 200 (the contract); a child that dies first fails with its output. */
export function waitForHealth(child: KeywardChild, url: string, options: ReadyOptions = {}): Promise<void> {
  return waitForReady(child, async () => (await healthStatus(url)) === 200, 'become healthy', options);
}

/** Runs another CLI command (e.g. `audit verify`) with the same environment; resolves at exit. */
export function runKeywardCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [KEYWARD_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    cli.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    cli.once('error', reject);
    cli.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunState {
  /** The run's own PostgreSQL schema (DATABASE_SCHEMA); absent for an embedded-default (PGlite) run. */
  schema?: string;
  /** QUEUE_PREFIX: every key of the run starts with `<prefix>:`. */
  redisPrefix: string;
  /** Temp directories of the run (DATA_DIR…). */
  dirs: string[];
  /** Default TEST_DATABASE_URL. */
  databaseUrl?: string;
  /** Default TEST_REDIS_URL. */
  redisUrl?: string;
  /** A private Redis the test may have stopped: connect once, and a failure leaves nothing to delete. */
  redisMayBeGone?: boolean;
}

/** Drops the run's schema, deletes its Redis keys and removes its temp directories. */
export async function dropRunState(state: RunState): Promise<void> {
  const databaseUrl = state.databaseUrl ?? TEST_DATABASE_URL;
  if (state.schema !== undefined) {
    // Through the store the product uses (a declared dependency): opening the run's own schema is a
    // no-op migration, and the schema builder drops it with everything in it.
    const database = await openDatabase({ url: databaseUrl, schema: state.schema, poolSize: 1 });
    try {
      await database.db.schema.dropSchema(state.schema).ifExists().cascade().execute();
    } finally {
      await database.close();
    }
  }
  const redis = new Redis(state.redisUrl ?? TEST_REDIS_URL, { maxRetriesPerRequest: 1, ...(state.redisMayBeGone ? { retryStrategy: () => null } : {}) });
  if (state.redisMayBeGone) redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${state.redisPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    // A private Redis may already be gone; nothing of ours is left in it then.
    if (!state.redisMayBeGone) throw error;
  } finally {
    redis.disconnect();
  }
  for (const dir of state.dirs) rmSync(dir, { recursive: true, force: true });
}
