import type { SiemForwarder } from '../siem-forwarder';
import { SiemDeliveryError } from '../siem-forwarder';
import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../webhook-signature';
import { postHttp } from './post-http';

export interface WebhookForwarderOptions {
  url: string;
  secret: string;
  ca?: string | Buffer;
  timeoutMs?: number;
  /** Seconds since the epoch; injected for tests. */
  nowSeconds?: () => number;
}

/**
 * Generic webhook: POST `{"events":[…]}` signed with HMAC-SHA256 (see webhook-signature.ts). Any 2xx
 * accepts the batch; anything else, or no answer, fails it as a whole.
 */
export function createWebhookForwarder(options: WebhookForwarderOptions): SiemForwarder {
  const url = new URL(options.url);
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: 'webhook',
    async send(records) {
      const body = JSON.stringify({ events: records.map((r) => ({ ...r, at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString() })) });
      const timestamp = nowSeconds();
      const { status, text } = await postHttp(url, body, {
        headers: { [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp), [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(options.secret, timestamp, body) },
        ca: options.ca,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      if (status < 200 || status > 299) throw new SiemDeliveryError(`webhook answered ${status}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`, status);
    },
  };
}
