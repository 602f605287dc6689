import { createHmac } from 'node:crypto';

/** An HTTP request exactly as Slack would send it to the app's Request URL. */
export interface SignedSlackRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SlackSigningOptions {
  signingSecret: string;
  /** Unix seconds; Slack's receivers reject anything more than 5 minutes from their clock. */
  timestamp?: number;
  /** Slack sets these when it redelivers an event it thinks went unacknowledged. */
  retryNum?: number;
  retryReason?: 'http_timeout' | 'http_error' | 'too_many_requests' | 'connection_failed' | 'ssl_error' | 'unknown_error';
  /** Replace the computed signature (forged / garbled requests). `null` omits the header. */
  signatureOverride?: string | null;
  /** `null` omits the timestamp header. */
  timestampOverride?: string | null;
}

/**
 * Slack's v0 scheme: `X-Slack-Signature: v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`),
 * with the same timestamp in `X-Slack-Request-Timestamp`.
 */
export function computeSlackSignature(signingSecret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signSlackRequest(body: string, contentType: string, options: SlackSigningOptions): SignedSlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  const ts = options.timestampOverride === undefined ? String(timestamp) : options.timestampOverride;
  if (ts !== null) headers['x-slack-request-timestamp'] = ts;
  const signature =
    options.signatureOverride === undefined
      ? computeSlackSignature(options.signingSecret, timestamp, body)
      : options.signatureOverride;
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryNum !== undefined || options.retryReason !== undefined) {
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  return { body, headers };
}

/** Events API deliveries are JSON bodies. */
export function signSlackEvent(envelope: object, options: SlackSigningOptions): SignedSlackRequest {
  return signSlackRequest(JSON.stringify(envelope), 'application/json', options);
}

/** Interactivity deliveries are form bodies with one field, `payload`, holding the JSON. */
export function signSlackInteraction(payload: object, options: SlackSigningOptions): SignedSlackRequest {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signSlackRequest(body, 'application/x-www-form-urlencoded', options);
}

export interface SlackDeliveryResult {
  status: number;
  body: string;
}

/** POSTs a signed request to the app (e.g. `http://127.0.0.1:PORT/slack/events`). */
export async function deliverSlackRequest(url: string, request: SignedSlackRequest): Promise<SlackDeliveryResult> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
}
