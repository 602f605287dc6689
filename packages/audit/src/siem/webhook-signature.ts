import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Webhook signing, same construction as Slack's and Stripe's request signing: HMAC-SHA256 over
 * `<unix seconds>.<raw body>`, sent as `X-Keyward-Timestamp` and `X-Keyward-Signature: v1=<hex>`.
 * The timestamp inside the MAC lets a receiver refuse replays older than its tolerance (5 min here).
 */
export const WEBHOOK_TIMESTAMP_HEADER = 'x-keyward-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-keyward-signature';
const VERSION = 'v1';

export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  return `${VERSION}=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

/** For receivers (and our tests): constant-time compare, bounded clock skew. */
export function verifyWebhookSignature(options: { secret: string; body: string; timestamp: string | undefined; signature: string | undefined; nowSeconds: number; toleranceSeconds?: number }): boolean {
  const { timestamp, signature } = options;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(options.nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(options.secret, Number(timestamp), options.body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
