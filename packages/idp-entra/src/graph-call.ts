import { clientRequestGuid } from '@keyward/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { AppError } from '@keyward/core';
import type { Clock, Logger } from '@keyward/core';
import { toGraphAppError } from './graph-error-mapper';
import type { TokenProvider } from './entra-token-provider';

/** What one adapter operation sent and saw: our request id out, Graph's request ids back. */
interface CallRecord {
  clientRequestId: string | undefined;
  graphRequestIds: string[];
  /** The token failure, kept as thrown: the SDK wraps middleware errors in a GraphError and loses the code. */
  tokenError?: unknown;
}

/**
 * Our own middleware instead of the SDK's default chain: that chain drops `Authorization` and
 * `client-request-id` for hosts that are neither graph.microsoft.com nor https (STACK.md), and its
 * RetryHandler would sleep inside a worker slot for Retry-After. Here 429/503 become
 * AppError idp.rate_limited with retryAfterMs and the queue schedules the retry (F06), as with Okta.
 * This middleware adds the bearer token, sends our request id as `client-request-id` (Graph echoes
 * it and logs it for support cases) and records the response `request-id` for the audit.
 */
class KeywardGraphMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly tokens: TokenProvider, private readonly calls: AsyncLocalStorage<CallRecord>, private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const record = this.calls.getStore();
    const headers = new Headers(context.options?.headers as HeadersInit | undefined);
    let token: string;
    try {
      token = await this.tokens.getToken();
    } catch (error) {
      if (record) record.tokenError = error;
      throw error;
    }
    headers.set('Authorization', `Bearer ${token}`);
    if (record?.clientRequestId) headers.set('client-request-id', record.clientRequestId);
    const plain: Record<string, string> = {};
    headers.forEach((value, name) => (plain[name] = value));
    context.options = { ...context.options, headers: plain, signal: AbortSignal.timeout(this.timeoutMs) };
    if (!this.next) throw new Error('graph middleware chain has no transport');
    await this.next.execute(context);
    const id = context.response?.headers.get('request-id');
    if (record && id) record.graphRequestIds.push(id);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export interface GraphCallDeps {
  client: Client;
  calls: AsyncLocalStorage<CallRecord>;
  logger: Logger;
  clock: Clock;
}

/** Each client's `<baseUrl>/v1.0`, to check and relativise nextLinks (the SDK keeps its config private). */
const VERSION_BASES = new WeakMap<Client, string>();

export function createGraphClient(options: { graphUrl: string; tokens: TokenProvider; timeoutMs: number; logger: Logger; clock: Clock }): GraphCallDeps {
  const calls = new AsyncLocalStorage<CallRecord>();
  const client = Client.initWithMiddleware({
    baseUrl: options.graphUrl.replace(/\/+$/, ''),
    defaultVersion: 'v1.0',
    middleware: [new KeywardGraphMiddleware(options.tokens, calls, options.timeoutMs), new HTTPMessageHandler()],
  });
  VERSION_BASES.set(client, `${options.graphUrl.replace(/\/+$/, '')}/v1.0`);
  return { client, calls, logger: options.logger, clock: options.clock };
}

/**
 * Runs one adapter operation: every Graph call inside carries `client-request-id: <requestId>`;
 * the result comes with the last response's `request-id` (for a write, the write's own). Any
 * failure becomes an AppError here, the boundary.
 */
export async function callGraph<T>(deps: GraphCallDeps, operation: string, requestId: string | undefined, fn: (client: Client) => Promise<T>): Promise<{ result: T; graphRequestId: string | undefined }> {
  // Graph wants a GUID here; the name-based one maps back to our request id (reconciliation).
  const record: CallRecord = { clientRequestId: requestId === undefined ? undefined : clientRequestGuid(requestId), graphRequestIds: [] };
  const started = deps.clock.now().getTime();
  try {
    const result = await deps.calls.run(record, () => fn(deps.client));
    const graphRequestId = record.graphRequestIds[record.graphRequestIds.length - 1];
    deps.logger.debug({ operation, requestId, graphRequestIds: record.graphRequestIds, ms: deps.clock.now().getTime() - started }, 'graph call');
    return { result, graphRequestId };
  } catch (error) {
    const last = record.graphRequestIds[record.graphRequestIds.length - 1];
    const appError = toGraphAppError(record.tokenError ?? error, { operation, clock: deps.clock, ...(last ? { graphRequestId: last } : {}) });
    deps.logger.warn({ operation, requestId, code: appError.code, retryable: appError.retryable, retryAfterMs: appError.retryAfterMs, details: appError.details }, 'graph call failed');
    throw appError;
  }
}

/** A Graph collection page. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Follows `@odata.nextLink` until the last page (F07: a membership on page 3 is still seen). The link
 * is absolute; it is followed only on our configured Graph host (made relative to it), so a bearer
 * token never goes to a host a response named.
 */
export async function collectPages<T>(client: Client, first: GraphPage<T>, maxPages = 500): Promise<T[]> {
  const items: T[] = [...(first.value ?? [])];
  let next = first['@odata.nextLink'];
  const base = VERSION_BASES.get(client) ?? '';
  for (let pages = 1; next && pages < maxPages; pages += 1) {
    if (!next.startsWith(`${base}/`)) throw new AppError('idp.bad_response', 'Graph @odata.nextLink points outside the configured Graph URL');
    const page = (await client.api(next.slice(base.length)).get()) as GraphPage<T>;
    items.push(...(page.value ?? []));
    next = page['@odata.nextLink'];
  }
  return items;
}
