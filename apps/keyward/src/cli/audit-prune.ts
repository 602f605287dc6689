import { createWriteStream } from 'node:fs';
import { auditRecordJsonLine } from '@keyward/audit';
import { loadConfig } from '@keyward/config';
import { systemClock } from '@keyward/core';
import { pruneAuditLog } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { parseOptions } from './cli-args';

const DAY_MS = 24 * 3600_000;

/**
 * `keyward audit prune [--days N] [--archive file.jsonl]`: applies retention now (the worker does it
 * on a schedule when AUDIT_RETENTION_DAYS is set). With the restricted-grants option it must run with
 * the schema owner's DATABASE_URL. `--archive` writes the removed events first, as JSON lines.
 */
export async function runAuditPrune(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, problems } = parseOptions(args, ['days', 'archive']);
  const config = loadConfig();
  const days = values.days !== undefined ? Number(values.days) : config.operations.audit.retentionDays;
  if (days === undefined) problems.push('give --days N (or set AUDIT_RETENTION_DAYS)');
  else if (!Number.isInteger(days) || days < 1) problems.push(`--days must be a whole number of days, 1 or more (got ${values.days ?? days})`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\nUsage: npx keyward audit prune [--days N] [--archive removed.jsonl]\n`);
    return 2;
  }
  const database = await openAppDatabase(config);
  const archive = values.archive ? createWriteStream(values.archive, { flags: 'wx', mode: 0o600 }) : undefined;
  try {
    const now = systemClock.now();
    const result = await pruneAuditLog(database.db, {
      before: new Date(now.getTime() - (days as number) * DAY_MS),
      now,
      archive: archive ? async (records) => void archive.write(records.map(auditRecordJsonLine).join('')) : undefined,
    });
    out.write(`removed ${result.removed} audit events older than ${days} days; the chain now starts after seq ${result.checkpoint.seq} (hash ${result.checkpoint.hash.slice(0, 16)}…).\n`);
    return 0;
  } finally {
    if (archive) await new Promise<void>((resolve) => archive.end(() => resolve()));
    await database.close();
  }
}
