import { AppError } from '@keyward/core';

/**
 * Converts @slack/web-api errors into AppError at the boundary. Matched on the documented `code`
 * strings rather than `instanceof`, so a caller-supplied WebClient from another copy of the package
 * maps the same way.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

interface CodedSlackError {
  code: string;
  message: string;
  retryAfter?: unknown;
  statusCode?: unknown;
  headers?: unknown;
  data?: { error?: unknown };
}

function isCoded(error: unknown): error is CodedSlackError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function retryAfterFromHeaders(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)['retry-after'];
  const seconds = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

export function toChatAppError(error: unknown, method: string): AppError {
  if (error instanceof AppError) return error;
  if (!isCoded(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new AppError('chat.unavailable', `Slack ${method} failed: ${message}`, { retryable: true, cause: error, details: { method } });
  }
  switch (error.code) {
    case 'slack_webapi_rate_limited_error': {
      // WebClient with rejectRateLimitedCalls reports Retry-After (seconds) as `retryAfter`.
      const seconds = typeof error.retryAfter === 'number' ? error.retryAfter : undefined;
      return new AppError('chat.unavailable', `Slack ${method} rate limited`, {
        retryable: true,
        retryAfterMs: seconds === undefined ? undefined : seconds * 1000,
        cause: error,
        details: { method, slackError: 'ratelimited' },
      });
    }
    case 'slack_webapi_http_error': {
      // Slack's Web API only uses 200 and 429 meaningfully; anything else is an outage or a proxy.
      const status = typeof error.statusCode === 'number' ? error.statusCode : 0;
      const transient = status >= 500 || status === 408 || status === 429;
      return new AppError(transient ? 'chat.unavailable' : 'chat.bad_request', `Slack ${method} HTTP ${status}`, {
        retryable: transient,
        retryAfterMs: retryAfterFromHeaders(error.headers),
        cause: error,
        details: { method, status },
      });
    }
    case 'slack_webapi_request_error':
      return new AppError('chat.unavailable', `Slack ${method} unreachable: ${error.message}`, {
        retryable: true,
        cause: error,
        details: { method },
      });
    case 'slack_webapi_platform_error': {
      const slackError = typeof error.data?.error === 'string' ? error.data.error : 'unknown';
      const transient = TRANSIENT_PLATFORM_ERRORS.has(slackError);
      return new AppError(transient ? 'chat.unavailable' : 'chat.bad_request', `Slack ${method}: ${slackError}`, {
        retryable: transient,
        cause: error,
        details: { method, slackError },
      });
    }
    default:
      return new AppError('chat.bad_request', `Slack ${method}: ${error.message}`, { cause: error, details: { method, code: error.code } });
  }
}
