import type { SiemForwarder } from '../siem-forwarder';
import { SiemDeliveryError } from '../siem-forwarder';
import { hecBatchBody } from '../splunk-hec-envelope';
import type { HecMetadata } from '../splunk-hec-envelope';
import { postHttp } from './post-http';

export interface SplunkHecForwarderOptions extends HecMetadata {
  /** `https://splunk.example.com:8088` or the full `…/services/collector/event` URL. */
  url: string;
  token: string;
  ca?: string | Buffer;
  timeoutMs?: number;
}

/**
 * Splunk HEC. A 200 with `code: 0` is success. Everything else — 400 (bad data), 401/403 (token
 * disabled or wrong index), 503 (server busy, code 9) — is a failure of the whole batch, retried
 * with backoff; the cursor does not move, so nothing is skipped (F17). Indexer acknowledgement
 * (useACK) is not used: a 200 means received by HEC, not yet indexed.
 */
export function createSplunkHecForwarder(options: SplunkHecForwarderOptions): SiemForwarder {
  const url = new URL(options.url);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/services/collector/event';
  return {
    name: 'splunk',
    async send(records) {
      const { status, text } = await postHttp(url, hecBatchBody(records, options), {
        headers: { authorization: `Splunk ${options.token}` },
        ca: options.ca,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      if (status !== 200) throw new SiemDeliveryError(`Splunk HEC answered ${status}: ${summarise(text)}`, status);
      let code: unknown = 0;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        // A 200 without a JSON body is not what HEC sends; treat it as accepted but say so in the error path below.
      }
      if (code !== 0 && code !== undefined) throw new SiemDeliveryError(`Splunk HEC answered code ${String(code)}: ${summarise(text)}`, status);
    },
  };
}

function summarise(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
