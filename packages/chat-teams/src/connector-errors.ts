import { AppError } from '@keyward/core';

/** The HTTP status of a failed connector call (the connector client's RestError carries `statusCode`). */
export function connectorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown; status?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** The connector's `{ error: { code } }` (BotNotInConversationRoster, ConversationNotFound…), when readable. */
function connectorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.length > 0) return code;
  const body = (error as { response?: { bodyAsText?: unknown } }).response?.bodyAsText;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connector failure → AppError. 403 (the bot is not in the conversation roster: app uninstalled, user
 * left, BotFramework-Services #344) and 404 (ConversationNotFound, #352) mean the stored reference is
 * stale for good: `chat.conversation_gone`, never retried (F05; core/use-cases/notify.ts audits and
 * escalates). 429 and 5xx are transient; 400 is our bug; 401 is a credential problem no retry fixes.
 */
export function toTeamsAppError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const status = connectorStatus(error);
  const code = connectorCode(error);
  const details: Record<string, unknown> = { operation, ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { connectorCode: code }) };
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 || status === 404) {
    return new AppError('chat.conversation_gone', `Teams conversation is gone (${status}${code ? ` ${code}` : ''}) during ${operation}`, { cause: error, details });
  }
  if (status === 400 || status === 413) return new AppError('chat.bad_request', `Teams rejected ${operation}: ${message}`, { cause: error, details });
  if (status === 401) return new AppError('chat.unavailable', `Teams refused the bot's credentials during ${operation}`, { cause: error, details });
  const retryAfter = Number((error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers?.get?.('retry-after'));
  return new AppError('chat.unavailable', `Teams connector call ${operation} failed: ${message}`, {
    cause: error,
    retryable: true,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    details,
  });
}
