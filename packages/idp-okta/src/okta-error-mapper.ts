import { AppError } from '@keyward/core';
import type { Clock } from '@keyward/core';

/**
 * Converts whatever the Okta SDK throws into an AppError. The SDK's Http layer throws OktaApiError
 * (`status`, `errorCode`, `errorId`, `headers` as a fetch Headers) for JSON error bodies, HttpError for
 * others; generated response processors throw ApiException (`code`, `body`, `headers` as a plain
 * object); node-fetch throws FetchError (`type`, `code`) for network failures and timeouts.
 */
export interface OktaErrorContext {
  operation: string;
  clock: Clock;
  /** X-Okta-Request-Id of the failed response when we saw it. */
  oktaRequestId?: string;
}

/** When X-Rate-Limit-Reset is absent (it should not be), wait one minute: Okta's windows are per minute. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

type HeaderBag = { get(name: string): string | null } | Record<string, string | undefined>;

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const bag = headers as HeaderBag;
  if (typeof bag.get === 'function') return (bag as { get(name: string): string | null }).get(name) ?? undefined;
  const rec = bag as Record<string, string | undefined>;
  return rec[name] ?? rec[name.toLowerCase()];
}

/**
 * Milliseconds until Okta's rate-limit window resets. X-Rate-Limit-Reset is epoch seconds on Okta's
 * clock, so it is measured against the response's Date header when present (our clock may be off),
 * plus one second for the sub-second part both headers drop (the SDK's own retry does the same).
 */
export function retryAfterFromHeaders(headers: unknown, clock: Clock): number {
  const reset = Number.parseInt(header(headers, 'x-rate-limit-reset') ?? '', 10);
  if (!Number.isFinite(reset)) return DEFAULT_RATE_LIMIT_WAIT_MS;
  const serverNow = Date.parse(header(headers, 'date') ?? '');
  const base = Number.isFinite(serverNow) ? serverNow : clock.now().getTime();
  return Math.max(1000, reset * 1000 - base + 1000);
}

export function toOktaAppError(error: unknown, ctx: OktaErrorContext): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as { status?: unknown; code?: unknown; type?: unknown; errorCode?: unknown; errorId?: unknown; errorSummary?: unknown; headers?: unknown; body?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.code === 'number' ? e.code : undefined;
  const body = (typeof e.body === 'object' && e.body !== null ? e.body : {}) as { errorCode?: unknown; errorId?: unknown; errorSummary?: unknown };
  const errorCode = typeof e.errorCode === 'string' ? e.errorCode : typeof body.errorCode === 'string' ? body.errorCode : undefined;
  const errorId = typeof e.errorId === 'string' ? e.errorId : typeof body.errorId === 'string' ? body.errorId : undefined;
  const summary = typeof e.errorSummary === 'string' && e.errorSummary ? e.errorSummary : typeof body.errorSummary === 'string' ? body.errorSummary : undefined;
  const oktaRequestId = header(e.headers, 'x-okta-request-id') ?? ctx.oktaRequestId;
  const details = { operation: ctx.operation, status, errorCode, errorId, oktaRequestId };
  const what = `Okta ${ctx.operation}`;

  if (status !== undefined) {
    if (status === 429) {
      return new AppError('idp.rate_limited', `${what} was rate limited`, { retryable: true, retryAfterMs: retryAfterFromHeaders(e.headers, ctx.clock), cause: error, details });
    }
    if (status === 404) return new AppError('idp.not_found', `${what}: not found${summary ? ` (${summary})` : ''}`, { cause: error, details });
    if (status === 401 || status === 403) return new AppError('idp.denied', `${what} was refused (${status}${errorCode ? ` ${errorCode}` : ''})`, { cause: error, details });
    if (status >= 500) return new AppError('idp.unavailable', `${what} failed on Okta's side (${status})`, { retryable: true, cause: error, details });
    // Other 4xx: Okta rejected the request itself (validation, bad state); retrying the same call cannot help.
    return new AppError('idp.denied', `${what} was rejected (${status}${errorCode ? ` ${errorCode}` : ''}${summary ? `: ${summary}` : ''})`, { cause: error, details });
  }
  const netCode = typeof e.code === 'string' ? e.code : undefined;
  if (e.type === 'request-timeout' || e.type === 'system' || (netCode !== undefined && NETWORK_CODES.has(netCode))) {
    return new AppError('idp.unavailable', `${what} could not reach Okta (${netCode ?? String(e.type)})`, { retryable: true, cause: error, details: { ...details, network: netCode ?? e.type } });
  }
  return new AppError('idp.bad_response', `${what}: unexpected error ${typeof e.message === 'string' ? e.message : String(error)}`, { cause: error, details });
}
