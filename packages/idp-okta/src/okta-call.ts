import type { AppError, Clock, Logger } from '@keyward/core';
import { toOktaAppError } from './okta-error-mapper';
import type { OktaRequestExecutor } from './okta-request-executor';

export interface OktaCallDeps {
  executor: OktaRequestExecutor;
  logger: Logger;
  clock: Clock;
}

/**
 * Runs one adapter operation against the SDK: captures the X-Okta-Request-Id of its responses and
 * converts any failure into an AppError at this boundary. `lastRequestId` is the id of the final
 * response (for a write, the write's own id). `expected` names answers the caller handles as a normal
 * outcome (a 404 pre-check, "not locked"): logged at debug, not as a failure.
 */
export async function callOkta<T>(
  deps: OktaCallDeps,
  operation: string,
  fields: Record<string, unknown>,
  fn: () => Promise<T>,
  options: { expected?: (error: AppError) => boolean } = {},
): Promise<{ result: T; lastRequestId: string | undefined }> {
  const started = deps.clock.now().getTime();
  let ids: string[] = [];
  try {
    const { result, record } = await deps.executor.capture(async () => {
      try {
        return await fn();
      } finally {
        ids = deps.executor.current()?.requestIds ?? [];
      }
    });
    const lastRequestId = record.requestIds[record.requestIds.length - 1];
    deps.logger.debug({ ...fields, operation, oktaRequestIds: record.requestIds, ms: deps.clock.now().getTime() - started }, 'okta call');
    return { result, lastRequestId };
  } catch (error) {
    const appError = toOktaAppError(error, { operation, clock: deps.clock, ...(ids.length ? { oktaRequestId: ids[ids.length - 1] as string } : {}) });
    const entry = { ...fields, operation, code: appError.code, retryable: appError.retryable, retryAfterMs: appError.retryAfterMs, details: appError.details };
    if (options.expected?.(appError)) deps.logger.debug(entry, 'okta call answered as expected');
    else deps.logger.warn(entry, 'okta call failed');
    throw appError;
  }
}

/** Reads every item of an SDK Collection (it follows `Link: rel="next"` page by page). */
export async function collectAll<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item !== null && item !== undefined) items.push(item);
  return items;
}
