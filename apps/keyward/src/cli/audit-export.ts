import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { auditRecordJsonLine } from '@keyward/audit';
import { loadConfig } from '@keyward/config';
import { exportAuditEvents } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { parseInstant, parseOptions } from './cli-args';

/**
 * `keyward audit export [--since 2025-01-01] [--until 2025-02-01] [--out file]`: JSON lines for auditors,
 * one audit record per line in seq order with seq, prevHash and hash (the stretch can be re-verified
 * link by link). `--until` is exclusive. Without `--out`, lines go to stdout.
 */
export async function runAuditExport(args: string[], stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values, problems } = parseOptions(args, ['since', 'until', 'out']);
  const since = parseInstant('since', values.since, problems);
  const until = parseInstant('until', values.until, problems);
  if (since && until && since >= until) problems.push('--since must be before --until');
  if (problems.length > 0) {
    stderr.write(`${problems.join('\n')}\nUsage: npx keyward audit export [--since <ISO date>] [--until <ISO date>] [--out file.jsonl]  (no dates: every event)\n`);
    return 2;
  }
  const config = loadConfig();
  const database = await openAppDatabase(config);
  const sink = values.out ? createWriteStream(values.out, { flags: 'wx', mode: 0o600 }) : stdout;
  let count = 0;
  try {
    for await (const record of exportAuditEvents(database.db, { since, until })) {
      if (!sink.write(auditRecordJsonLine(record))) await once(sink, 'drain');
      count += 1;
    }
  } finally {
    if (values.out) await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())));
    await database.close();
  }
  stderr.write(`exported ${count} audit events${values.out ? ` to ${values.out}` : ''}.\n`);
  return 0;
}
