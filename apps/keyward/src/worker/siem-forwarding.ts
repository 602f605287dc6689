import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { OperationsConfig } from '@keyward/config';
import { createJsonLinesForwarder, createSplunkHecForwarder, createSyslogForwarder, createWebhookForwarder, drainSiemDestination } from '@keyward/audit';
import type { SiemForwarder, SiemOutbox } from '@keyward/audit';
import type { Clock, Logger } from '@keyward/core';
import type { SecurityAlerter } from './security-alerts';

/** One forwarder per configured SIEM_* destination. */
export function createSiemForwarders(config: OperationsConfig, productVersion: string): SiemForwarder[] {
  const { siem } = config;
  const forwarders: SiemForwarder[] = [];
  if (siem.jsonl) forwarders.push(createJsonLinesForwarder({ target: siem.jsonl.target }));
  if (siem.splunk) forwarders.push(createSplunkHecForwarder({ url: siem.splunk.url, token: siem.splunk.token, index: siem.splunk.index, sourcetype: siem.splunk.sourcetype, host: hostname(), ca: siem.ca }));
  if (siem.syslog) forwarders.push(createSyslogForwarder({ url: siem.syslog.url, ca: siem.ca, productVersion }));
  if (siem.webhook) forwarders.push(createWebhookForwarder({ url: siem.webhook.url, secret: siem.webhook.secret, ca: siem.ca }));
  return forwarders;
}

/** The drain for one destination as a scheduled job: never throws (the next run is the retry). */
export function createSiemDrainHandler(deps: { outbox: SiemOutbox; forwarders: SiemForwarder[]; config: OperationsConfig; clock: Clock; logger: Logger; alert: SecurityAlerter }) {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const byName = new Map(deps.forwarders.map((f) => [f.name, f]));
  const names = deps.forwarders.map((f) => f.name);
  return async (data: Record<string, string>): Promise<void> => {
    const forwarder = byName.get(data.destination ?? '');
    if (!forwarder) return;
    const result = await drainSiemDestination({
      outbox: deps.outbox,
      forwarder,
      now: () => deps.clock.now(),
      owner,
      batchSize: deps.config.siem.batchSize,
      backoff: { baseMs: 1000, maxMs: deps.config.siem.maxBackoffMs },
      alertAfterMs: deps.config.siem.alertAfterMs,
      onAlert: async (alert) => {
        const facts = { destination: alert.destination, failingSince: alert.failingSince.toISOString(), attempts: String(alert.attempts), backlog: String(alert.backlog), ...(alert.lastError ? { lastError: alert.lastError } : {}) };
        if (alert.kind === 'failing') {
          await deps.alert({ kind: 'siem.destination_failing', severity: 'critical', summary: `SIEM destination ${alert.destination} has been failing since ${alert.failingSince.toISOString()} (${alert.attempts} attempts, ${alert.backlog} events waiting; nothing is lost, delivery resumes in order)`, facts });
        } else {
          await deps.alert({ kind: 'siem.destination_recovered', severity: 'info', summary: `SIEM destination ${alert.destination} recovered; the backlog was delivered in order`, facts });
        }
      },
    });
    if (result.status === 'failed') deps.logger.warn({ destination: forwarder.name, attempts: result.attempts, nextAttemptAt: result.nextAttemptAt.toISOString(), err: result.error }, 'SIEM delivery failed; will retry');
    if (result.status === 'delivered') {
      deps.logger.debug({ destination: forwarder.name, delivered: result.delivered, deliveredSeq: result.deliveredSeq }, 'SIEM delivered');
      await deps.outbox.prune(names);
    }
  };
}
