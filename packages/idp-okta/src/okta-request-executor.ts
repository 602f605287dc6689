import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { AppError } from '@keyward/core';

/** What one adapter call saw on the wire: the X-Okta-Request-Id of every response, in order. */
export interface OktaCallRecord {
  requestIds: string[];
}

type FetchArgs = Parameters<DefaultRequestExecutor['fetch']>;
type FetchResult = Awaited<ReturnType<DefaultRequestExecutor['fetch']>>;

/**
 * The SDK's own request executor with two additions:
 * - it records `X-Okta-Request-Id` of each response into the calling adapter method's scope
 *   (AsyncLocalStorage), because the generated API methods return bodies only, never headers;
 * - it checks the OAuth token endpoint's answer itself: the SDK does not surface a failing token
 *   endpoint clearly and later calls can go out as `Bearer undefined` (STACK.md), so a refusal
 *   becomes `idp.denied` with Okta's `error_description` right away.
 * Retries: maxRetries 0. The SDK would otherwise sleep until X-Rate-Limit-Reset inside the worker
 * (twice by default); we turn 429 into `idp.rate_limited` with retryAfterMs and let the job queue
 * reschedule. (okta-sdk-nodejs #458: 0 means "no retry", despite docs that once said "unlimited";
 * DefaultRequestExecutor.maxRetriesReached returns true for 0.)
 */
export class OktaRequestExecutor extends DefaultRequestExecutor {
  private readonly scope = new AsyncLocalStorage<OktaCallRecord>();

  constructor(
    private readonly tokenUrl: string,
    requestTimeoutMs: number,
  ) {
    super({ maxRetries: 0, requestTimeout: requestTimeoutMs });
  }

  /** Runs `fn` with a fresh record of the responses it causes. */
  async capture<T>(fn: () => Promise<T>): Promise<{ result: T; record: OktaCallRecord }> {
    const record: OktaCallRecord = { requestIds: [] };
    const result = await this.scope.run(record, fn);
    return { result, record };
  }

  /** The record of the current scope (to read ids of a failed call from the catch block). */
  current(): OktaCallRecord | undefined {
    return this.scope.getStore();
  }

  override async fetch(...args: FetchArgs): Promise<FetchResult> {
    const [request] = args;
    const response = await super.fetch(...args);
    const id = response.headers.get('x-okta-request-id');
    if (id) this.scope.getStore()?.requestIds.push(id);
    if (request.url === this.tokenUrl) await checkTokenResponse(response);
    return response;
  }
}

async function checkTokenResponse(response: FetchResult): Promise<void> {
  let body: { access_token?: unknown; error?: unknown; error_description?: unknown } = {};
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    // Not JSON: handled below by status / missing token.
  }
  // DPoP nonce handshake: the SDK retries with the nonce itself.
  if (body.error === 'use_dpop_nonce') return;
  const detail = [body.error, body.error_description].filter((x) => typeof x === 'string').join(': ');
  if (response.status >= 500 || response.status === 429) {
    throw new AppError('idp.unavailable', `Okta token endpoint answered ${response.status}${detail ? ` (${detail})` : ''}`, { retryable: true, details: { status: response.status } });
  }
  if (!response.ok) {
    throw new AppError('idp.denied', `Okta refused the service app's token request (${response.status}${detail ? `: ${detail}` : ''})`, {
      details: { status: response.status, error: typeof body.error === 'string' ? body.error : undefined },
    });
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new AppError('idp.bad_response', 'Okta token endpoint answered without an access_token', { details: { status: response.status } });
  }
}
