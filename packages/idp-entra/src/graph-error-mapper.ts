import { AppError } from '@keyward/core';
import type { Clock } from '@keyward/core';

/** When Graph throttles without Retry-After (it should send one), wait this long. */
const DEFAULT_RETRY_AFTER_MS = 30_000;
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export interface GraphErrorContext {
  operation: string;
  clock: Clock;
  /** `request-id` of the failed response, when our middleware saw it. */
  graphRequestId?: string;
}

/** `Retry-After` is delta-seconds or an HTTP-date (RFC 9110 §10.2.3); Graph sends seconds. */
export function retryAfterMs(value: string | null | undefined, clock: Clock): number {
  if (!value) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1000, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(1000, date - clock.now().getTime()) : DEFAULT_RETRY_AFTER_MS;
}

/**
 * The SDK throws GraphError (`statusCode`, `code` from `error.code`, `requestId`, `headers`, `body`)
 * for error responses, and passes fetch's TypeError (cause with a socket code) or an AbortError for
 * network failures. Authorization_RequestDenied is final: Graph refuses the app (missing role, or a
 * privileged target a Helpdesk/User Administrator may not touch — F10) and retrying cannot change it.
 */
export function toGraphAppError(error: unknown, ctx: GraphErrorContext): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as { statusCode?: unknown; code?: unknown; requestId?: unknown; headers?: { get?(name: string): string | null }; message?: unknown; name?: unknown; cause?: unknown };
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const graphRequestId = (typeof e.requestId === 'string' && e.requestId) || e.headers?.get?.('request-id') || ctx.graphRequestId;
  const details = { operation: ctx.operation, status, graphCode: code, graphRequestId };
  const what = `Graph ${ctx.operation}`;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (status !== undefined) {
    if (status === 429 || status === 503 || status === 504) {
      const wait = retryAfterMs(e.headers?.get?.('retry-after'), ctx.clock);
      return new AppError('idp.rate_limited', `${what} was throttled (${status})`, { retryable: true, retryAfterMs: wait, cause: error, details });
    }
    if (status === 404) return new AppError('idp.not_found', `${what}: not found (${code ?? 'Request_ResourceNotFound'})`, { cause: error, details });
    if (status === 401 || status === 403) return new AppError('idp.denied', `${what} was refused (${status} ${code ?? ''})`.trim(), { cause: error, details });
    if (status >= 500) return new AppError('idp.unavailable', `${what} failed on Microsoft's side (${status})`, { retryable: true, cause: error, details });
    return new AppError('idp.denied', `${what} was rejected (${status} ${code ?? ''}: ${message})`, { cause: error, details });
  }
  const cause = (e.cause ?? {}) as { code?: unknown };
  const netCode = typeof cause.code === 'string' ? cause.code : code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || (netCode !== undefined && NETWORK_CODES.has(netCode)) || message === 'fetch failed') {
    return new AppError('idp.unavailable', `${what} could not reach Graph (${netCode ?? String(e.name)})`, { retryable: true, cause: error, details: { ...details, network: netCode ?? e.name } });
  }
  return new AppError('idp.bad_response', `${what}: unexpected error ${message}`, { cause: error, details });
}
