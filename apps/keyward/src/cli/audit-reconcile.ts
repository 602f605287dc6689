import { readFileSync } from 'node:fs';
import { formatEntraReconcileReport, formatReconcileReport, isEntraReconciled, parseEntraAuditExport, parseOktaSystemLogExport, reconcileEntra, reconcileOktaSystemLog } from '@keyward/audit';
import { loadConfig } from '@keyward/config';
import type { AuditRecord } from '@keyward/core';
import { exportAuditEvents } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { parseInstant, parseOptions } from './cli-args';

/** Where our side comes from; the default reads the audit table. Injected by tests. */
export interface AuditReconcileDeps {
  loadIdpWrites(range: { since?: Date; until?: Date }): Promise<AuditRecord[]>;
  readFile(path: string): string;
  stderr: NodeJS.WritableStream;
}

const USAGE =
  'Usage: npx keyward audit reconcile --okta-system-log export.json [--actor <okta actor id>] [--since …] [--until …]\n' +
  '       npx keyward audit reconcile --entra-audit-log export.json --actor <appId|servicePrincipalId>[,…] [--since …] [--until …]\n';

// Our audit event is written a moment after the IdP's record; widen the compared window by a minute each way.
const SLACK_MS = 60_000;

/**
 * `keyward audit reconcile --okta-system-log export.json | --entra-audit-log export.json …`: joins an
 * IdP's audit export to our audit events and lists the writes that appear on one side only. The
 * window defaults to the export's own first and last record. Exit 0 when both sides agree, 1
 * otherwise, 2 on a usage error.
 * Entra needs --actor: its export is tenant-wide and "Update user" or "Add member to group" by every
 * administrator would otherwise drown the bot's own writes (and fail the run).
 */
export async function runAuditReconcile(args: string[], out: NodeJS.WritableStream = process.stdout, deps: AuditReconcileDeps = defaultDeps()): Promise<number> {
  const { values, problems } = parseOptions(args, ['okta-system-log', 'actor', 'since', 'until', 'entra-audit-log']);
  const okta = values['okta-system-log'];
  const entra = values['entra-audit-log'];
  if (okta && entra) problems.push('give one of --okta-system-log and --entra-audit-log, not both');
  if (!okta && !entra) problems.push('--okta-system-log <file.json> or --entra-audit-log <file.json> is required');
  if (entra && !values.actor) problems.push("--entra-audit-log needs --actor <appId|servicePrincipalId>: Keyward's app registration (client) id or its service principal's object id");
  let since = parseInstant('since', values.since, problems);
  let until = parseInstant('until', values.until, problems);
  if (problems.length > 0) {
    deps.stderr.write(`${problems.join('\n')}\n${USAGE}`);
    return 2;
  }
  const actorIds = values.actor ? values.actor.split(',').map((id) => id.trim()).filter((id) => id !== '') : undefined;

  const file = (entra ?? okta) as string;
  let text: string;
  try {
    text = deps.readFile(file);
  } catch (error) {
    deps.stderr.write(`${unreadableFile(file, error)}\n`);
    return 2;
  }
  let parsed: { kind: 'okta'; events: ReturnType<typeof parseOktaSystemLogExport> } | { kind: 'entra'; events: ReturnType<typeof parseEntraAuditExport> };
  try {
    parsed = entra ? { kind: 'entra', events: parseEntraAuditExport(text) } : { kind: 'okta', events: parseOktaSystemLogExport(text) };
  } catch (error) {
    deps.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const stamps = (parsed.kind === 'entra' ? parsed.events.map((e) => e.activityDateTime) : parsed.events.map((e) => e.published)).map((t) => Date.parse(t ?? '')).filter((t) => !Number.isNaN(t));
  if (!since && stamps.length) since = new Date(Math.min(...stamps));
  // `until` is exclusive: one millisecond past the newest exported record.
  if (!until && stamps.length) until = new Date(Math.max(...stamps) + 1);
  const window = { since: since && new Date(since.getTime() - SLACK_MS), until: until && new Date(until.getTime() + SLACK_MS) };

  const audit = await deps.loadIdpWrites(window);
  if (parsed.kind === 'entra') {
    const report = reconcileEntra(audit, parsed.events, { actorIds, ...window });
    out.write(formatEntraReconcileReport(report));
    return isEntraReconciled(report) ? 0 : 1;
  }
  const report = reconcileOktaSystemLog(audit, parsed.events, { actorIds, ...window });
  out.write(formatReconcileReport(report));
  return report.oursOnly.length === 0 && report.oktaOnly.length === 0 && report.matched.every((m) => m.problems.length === 0) ? 0 : 1;
}

function defaultDeps(): AuditReconcileDeps {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    stderr: process.stderr,
    async loadIdpWrites(range) {
      const config = loadConfig();
      const database = await openAppDatabase(config);
      try {
        const audit: AuditRecord[] = [];
        for await (const record of exportAuditEvents(database.db, range)) if (record.idpRequestId) audit.push(record);
        return audit;
      } finally {
        await database.close();
      }
    },
  };
}

/** Why an export file cannot be read, as one sentence. */
function unreadableFile(file: string, error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `${file} does not exist. Give the path of the exported JSON file.`;
    case 'EACCES':
    case 'EPERM':
      return `${file} cannot be read (permission denied).`;
    case 'EISDIR':
      return `${file} is a folder; give the exported JSON file inside it.`;
    default:
      return `${file} cannot be read: ${(error as Error).message}`;
  }
}
