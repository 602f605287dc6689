/**
 * One error type for the whole product. Adapters convert vendor errors into an AppError at the
 * boundary; use cases branch on `code`, never on message text. `retryable` tells the queue whether a
 * retry can help; `retryAfterMs` carries a server-given wait (Okta X-Rate-Limit-Reset, Retry-After).
 */
export type AppErrorCode =
  | 'config.invalid'
  | 'request.not_found'
  | 'request.invalid_transition'
  | 'request.version_conflict'
  | 'identity.unverifiable'
  | 'identity.not_found'
  | 'identity.ambiguous'
  | 'identity.external'
  | 'policy.refused'
  | 'policy.invalid'
  | 'stepup.no_factor'
  | 'stepup.rate_limited'
  | 'idp.rate_limited'
  | 'idp.not_found'
  | 'idp.denied'
  | 'idp.unavailable'
  | 'idp.bad_response'
  /** The IdP has no API for this action (Entra ID: account unlock in the cloud): explain and escalate, never retry. */
  | 'idp.unsupported'
  | 'chat.unavailable'
  | 'chat.bad_request'
  /** A stored conversation is gone (Teams 403 not in roster / 404 ConversationNotFound): audit and escalate, never retry (F05). */
  | 'chat.conversation_gone'
  | 'secret.not_found'
  | 'secret.forbidden'
  | 'queue.unavailable'
  | 'internal';

export interface AppErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  cause?: unknown;
  /** Safe, non-secret details for logs and audit. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
}

/**
 * The same error, marked as raised after an earlier write of the same operation was applied (a
 * composite IdP call: set the password, then revoke sessions). The caller must not read the IdP's
 * answer as "nothing was applied" (ADR 0007).
 */
export function afterPartialWrite(error: unknown, applied: string): unknown {
  if (!(error instanceof AppError)) return error;
  return new AppError(error.code, `${error.message} (after ${applied})`, {
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    cause: error,
    details: { ...error.details, partlyApplied: applied },
  });
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Converts anything thrown into an AppError; only boundaries call this. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('internal', message, { cause: value, retryable: true });
}
