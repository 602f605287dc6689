import { readFileSync } from 'node:fs';
import { formatReconcileReport, parseOktaSystemLogExport, reconcileOktaSystemLog } from '@keyward/audit';
import { loadConfig } from '@keyward/config';
import type { AuditRecord } from '@keyward/core';
import { exportAuditEvents } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { parseInstant, parseOptions } from './cli-args';

/**
 * `keyward audit reconcile --okta-system-log export.json [--actor <id>] [--since …] [--until …]`:
 * joins an Okta System Log export to our audit events by Okta request id and lists the writes that
 * appear on one side only. The window defaults to the export's own first and last `published`.
 * Exit 0 when both sides agree, 1 otherwise. Entra audit exports: not yet (see README).
 */
export async function runAuditReconcile(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, problems } = parseOptions(args, ['okta-system-log', 'actor', 'since', 'until', 'entra-audit-log']);
  if (values['entra-audit-log']) problems.push('--entra-audit-log is not supported yet (Entra comes with the Entra adapter); use --okta-system-log');
  if (!values['okta-system-log']) problems.push('--okta-system-log <file.json> is required');
  let since = parseInstant('since', values.since, problems);
  let until = parseInstant('until', values.until, problems);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\nUsage: npx keyward audit reconcile --okta-system-log export.json [--actor <okta actor id>] [--since …] [--until …]\n`);
    return 2;
  }
  const events = parseOktaSystemLogExport(readFileSync(values['okta-system-log'] as string, 'utf8'));
  const published = events.map((e) => Date.parse(e.published ?? '')).filter((t) => !Number.isNaN(t));
  if (!since && published.length) since = new Date(Math.min(...published));
  // `until` is exclusive: one millisecond past the newest exported event.
  if (!until && published.length) until = new Date(Math.max(...published) + 1);

  const config = loadConfig();
  const database = await openAppDatabase(config);
  try {
    const audit: AuditRecord[] = [];
    // Our writes are recorded a moment after Okta's event; widen our side by a minute each way.
    for await (const record of exportAuditEvents(database.db, { since: since && new Date(since.getTime() - 60_000), until: until && new Date(until.getTime() + 60_000) })) {
      if (record.idpRequestId) audit.push(record);
    }
    const report = reconcileOktaSystemLog(audit, events, { actorIds: values.actor ? values.actor.split(',') : undefined, since: since && new Date(since.getTime() - 60_000), until: until && new Date(until.getTime() + 60_000) });
    out.write(formatReconcileReport(report));
    return report.oursOnly.length === 0 && report.oktaOnly.length === 0 && report.matched.every((m) => m.problems.length === 0) ? 0 : 1;
  } finally {
    await database.close();
  }
}
