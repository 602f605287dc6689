import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeywardConfig } from '@keyward/config';
import { AppError } from '@keyward/core';
import { openDatabase } from '@keyward/store';
import type { OpenedDatabase } from '@keyward/store';

/**
 * Opens the configured database. PGlite is one process's database: a second process opening the
 * same folder (say `keyward audit verify` while `npm start` runs) could corrupt it, so the folder
 * carries a pid lock and a second opener gets a clear sentence instead.
 */
export async function openAppDatabase(config: KeywardConfig): Promise<OpenedDatabase> {
  if (config.database.url) return openDatabase({ url: config.database.url, schema: config.database.schema, migrate: config.operations.migrateDatabase });
  const dir = config.database.dataDir;
  mkdirSync(dir, { recursive: true });
  const lock = path.join(path.dirname(dir), 'pglite.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new AppError('config.invalid', `The embedded database in ${dir} is in use by another Keyward process (pid ${pid}). Stop it first, or use DATABASE_URL=postgres://… to share a database between processes.`);
    }
  }
  writeFileSync(lock, String(process.pid));
  try {
    const opened = await openDatabase({ dataDir: dir, schema: config.database.schema });
    return {
      ...opened,
      close: async () => {
        await opened.close();
        rmSync(lock, { force: true });
      },
    };
  } catch (error) {
    rmSync(lock, { force: true });
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
