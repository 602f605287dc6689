import { isAppError } from '@keyward/core';
import type { AppErrorCode } from '@keyward/core';

/** An HTTP-level refusal (bad body, wrong method): its message is written for the page to show. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
  }
}

const STATUS_BY_CODE: Partial<Record<AppErrorCode, number>> = {
  'chat.bad_request': 400,
  'policy.invalid': 400,
  'identity.not_found': 404,
  'request.not_found': 404,
  'secret.not_found': 404,
  'idp.not_found': 404,
  'identity.external': 403,
  'secret.forbidden': 403,
  'policy.refused': 403,
  'idp.denied': 403,
  'request.invalid_transition': 409,
  'request.version_conflict': 409,
  'stepup.rate_limited': 429,
  'idp.rate_limited': 429,
  'idp.unavailable': 503,
  'chat.unavailable': 503,
  'queue.unavailable': 503,
};

/**
 * Maps anything thrown by a port to what the page may see. AppError messages are user-safe by
 * contract (core/domain/app-error.ts); anything else may carry internals, so it gets a fixed sentence.
 */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isAppError(error) && error.code !== 'internal') {
    return new HttpProblem(STATUS_BY_CODE[error.code] ?? 500, error.code, error.message);
  }
  return new HttpProblem(500, 'internal', 'Something went wrong. The details are in the server log.');
}
