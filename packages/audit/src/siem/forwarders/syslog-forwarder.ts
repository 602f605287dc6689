import { hostname } from 'node:os';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { AuditRecord } from '@keyward/core';
import { cefSeverity, formatCef } from '../cef-format';
import type { SiemForwarder } from '../siem-forwarder';
import { SiemDeliveryError } from '../siem-forwarder';
import { formatSyslog5424, frameOctetCounted, KEYWARD_SD_ID } from '../syslog-5424';
import type { SyslogSeverity } from '../syslog-5424';

export interface SyslogForwarderOptions {
  /** `tcp://host:port` or `tls://host:port` (RFC 5425; 6514 is the registered port). */
  url: string;
  ca?: string | Buffer;
  /** TLS server name when it differs from the host in the URL. */
  servername?: string;
  timeoutMs?: number;
  productVersion: string;
  hostname?: string;
}

/** CEF severity 0–10 onto syslog severity: 8+ critical, 6+ warning, 4+ notice, else informational. */
function syslogSeverity(record: AuditRecord): SyslogSeverity {
  const cef = cefSeverity(record);
  if (cef >= 8) return 2;
  if (cef >= 6) return 4;
  if (cef >= 4) return 5;
  return 6;
}

export function formatAuditSyslog(record: AuditRecord, options: { hostname: string; productVersion: string }): string {
  return formatSyslog5424({
    severity: syslogSeverity(record),
    timestamp: record.at instanceof Date ? record.at : new Date(record.at),
    hostname: options.hostname,
    appName: 'keyward',
    procId: String(process.pid),
    msgId: record.type,
    // seq and hash also travel as structured data so a collector can check order and the chain
    // without parsing the CEF payload.
    structuredData: [{ id: KEYWARD_SD_ID, params: { seq: record.seq, hash: record.hash, prevHash: record.prevHash, requestId: record.requestId } }],
    message: formatCef(record, { productVersion: options.productVersion }),
  });
}

/**
 * Syslog over TCP or TLS, CEF payload, octet-counted frames. One connection per batch: a collector
 * that restarted is simply reconnected to on the next batch, and a refused or reset connection fails
 * the batch (retried later). Plain TCP syslog has no application-level acknowledgement: a batch is
 * counted delivered once the socket flushed it and closed cleanly (`end` → `close` without error).
 */
export function createSyslogForwarder(options: SyslogForwarderOptions): SiemForwarder {
  const url = new URL(options.url);
  if (url.protocol !== 'tcp:' && url.protocol !== 'tls:') throw new Error('SIEM_SYSLOG_URL must be tcp://host:port or tls://host:port');
  const port = Number(url.port || (url.protocol === 'tls:' ? 6514 : 514));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ownHost = options.hostname ?? hostname();
  return {
    name: 'syslog',
    async send(records) {
      const payload = Buffer.concat(records.map((r) => frameOctetCounted(formatAuditSyslog(r, { hostname: ownHost, productVersion: options.productVersion }))));
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const finish = (error?: Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) {
            socket.destroy();
            reject(new SiemDeliveryError(`syslog ${url.host}: ${error.message}`));
          } else resolve();
        };
        const socket: Socket =
          url.protocol === 'tls:'
            ? tlsConnect({ host, port, ca: options.ca, servername: options.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host) }, () => socket.end(payload))
            : netConnect({ host, port }, () => socket.end(payload));
        const timer = setTimeout(() => finish(new Error(`not delivered within ${timeoutMs} ms`)), timeoutMs);
        socket.on('error', (error) => finish(error));
        socket.on('close', (hadError) => finish(hadError ? new Error('connection closed with an error') : undefined));
        // A collector does not send anything back; drain whatever arrives so the socket can close.
        socket.on('data', () => undefined);
      });
    },
  };
}
