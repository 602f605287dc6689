import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackMethodTable } from './slack-fake-methods';
import type { OpenedSlackView, PostedSlackMessage, SlackFakeState, SlackMethodResult } from './slack-fake-methods';
import { defaultSlackUsers, SLACK_FAKE_IDS } from './slack-fake-users';
import type { SlackFakeUser } from './slack-fake-users';

type Json = Record<string, unknown>;

export interface SlackFakeOptions {
  /** The bot token every call must carry (`Authorization: Bearer xoxb-…`). */
  botToken?: string;
  /** Replaces the seeded users (see `defaultSlackUsers()`). */
  users?: SlackFakeUser[];
  /** false models an app installed without `users:read.email`: `profile.email` is never returned. */
  emailScope?: boolean;
  /** Set to model an Enterprise Grid org: auth.test then reports `enterprise_id`. */
  enterpriseId?: string;
  /** Clock for trigger expiry and `ts` values; the fake is test code, so the wall clock is the default. */
  now?: () => number;
  /** How long a trigger_id stays valid; Slack documents 3 seconds. */
  triggerTtlMs?: number;
}

/** A server-side failure to inject into the next call(s) of one method. */
export type SlackFault =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'http'; status: number };

export interface RecordedSlackCall {
  method: string;
  /** Parsed body: form fields, with Slack's JSON-in-a-form-field arguments (blocks, view…) decoded. */
  body: Json;
  contentType: string;
  /** The token the call carried (header or form field), so tests can tell bot from app tokens. */
  token?: string;
  status: number;
  response: Json;
}

export interface SlackFake {
  /** e.g. http://127.0.0.1:43121 */
  readonly url: string;
  /** What to pass as WebClient `slackApiUrl` / Bolt `clientOptions.slackApiUrl` (ends with `/api/`). */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly ids: typeof SLACK_FAKE_IDS;
  /** Every call in arrival order, including rejected and fault-injected ones. */
  readonly calls: readonly RecordedSlackCall[];
  readonly users: Map<string, SlackFakeUser>;
  readonly messages: readonly PostedSlackMessage[];
  readonly views: ReadonlyMap<string, OpenedSlackView>;
  callsTo(method: string): RecordedSlackCall[];
  /** A trigger_id as Slack puts into an interaction payload; valid for one views.open within the TTL. */
  issueTriggerId(): string;
  /** The next `times` calls of `method` fail with `fault` (checked after authentication). */
  failNext(method: string, fault: SlackFault, times?: number): void;
  /** Resolves when `count` calls of `method` have arrived (listeners run after the HTTP ack). */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<RecordedSlackCall[]>;
  close(): Promise<void>;
}

/** Slack sends structured arguments as JSON strings inside form fields; decode the ones we model. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

function parseBody(raw: string, contentType: string): Json | undefined {
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
    } catch {
      return undefined;
    }
  }
  const body: Json = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        body[key] = JSON.parse(value) as unknown;
      } catch {
        body[key] = value;
      }
    } else {
      body[key] = value;
    }
  }
  return body;
}

async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts an HTTP fake of the Slack Web API on 127.0.0.1 with a free port. */
export async function createSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  const botToken = options.botToken ?? 'xoxb-keyward-test-token';
  const users = new Map((options.users ?? defaultSlackUsers()).map((u) => [u.id, u]));
  const team: SlackFakeState['team'] = { id: SLACK_FAKE_IDS.homeTeamId, name: 'Keyward Test' };
  if (options.enterpriseId !== undefined) team.enterpriseId = options.enterpriseId;
  const state: SlackFakeState = {
    now: options.now ?? (() => Date.now()),
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    emailScope: options.emailScope ?? true,
    team,
    bot: { userId: SLACK_FAKE_IDS.botUserId, botId: SLACK_FAKE_IDS.botId },
    users,
    messages: [],
    views: new Map(),
    triggers: new Map(),
    dmChannels: new Map(),
    tsCounter: 0,
  };
  const methods = createSlackMethodTable(state);
  const calls: RecordedSlackCall[] = [];
  const faults = new Map<string, SlackFault[]>();
  const waiters = new Set<() => void>();

  const record = (call: RecordedSlackCall): void => {
    calls.push(call);
    for (const wake of [...waiters]) wake();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (req.method !== 'POST' || match === null) {
      send(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = match[1] ?? '';
    const contentType = String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded');
    const raw = await readRaw(req);
    const body = parseBody(raw, contentType);
    // Slack takes the token from the Authorization header; form bodies may carry `token` instead.
    // JSON bodies must use the header (Slack ignores a token inside JSON).
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : undefined;
    const formToken = body === undefined || contentType.startsWith('application/json') ? undefined : body['token'];
    const token = bearer ?? (typeof formToken === 'string' ? formToken : undefined);
    const reply = (status: number, response: Json, headers: Record<string, string> = {}): void => {
      record({ method, body: body ?? { _raw: raw }, contentType, status, response, ...(token === undefined ? {} : { token }) });
      send(res, status, response, headers);
    };
    if (body === undefined) return reply(200, { ok: false, error: 'invalid_json' });

    if (token === undefined || token === '') return reply(200, { ok: false, error: 'not_authed' });
    if (token !== botToken) return reply(200, { ok: false, error: 'invalid_auth' });

    const queue = faults.get(method);
    const fault = queue?.shift();
    if (fault !== undefined) {
      if (fault.kind === 'ratelimited') {
        return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
      }
      if (fault.kind === 'http') return reply(fault.status, { ok: false, error: 'fatal_error' });
      return reply(200, { ok: false, error: fault.error });
    }

    const impl = methods[method];
    if (impl === undefined) return reply(200, { ok: false, error: 'unknown_method' });
    const result: SlackMethodResult = impl(body);
    return reply(200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { ok: false, error: 'fatal_error', detail: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    botToken,
    ids: SLACK_FAKE_IDS,
    calls,
    users,
    messages: state.messages,
    views: state.views,
    callsTo: (method) => calls.filter((c) => c.method === method),
    issueTriggerId: () => {
      const id = `${Math.floor(state.now() / 1000)}.${state.tsCounter + 1}.${randomBytes(16).toString('hex')}`;
      state.triggers.set(id, { issuedAt: state.now(), exchanged: false });
      return id;
    },
    failNext: (method, fault, times = 1) => {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(fault);
      faults.set(method, queue);
    },
    waitForCalls: (method, count = 1, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = calls.filter((c) => c.method === method);
          if (found.length < count) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = (): void => {
          check();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out waiting for ${count} ${method} call(s); saw ${calls.map((c) => c.method).join(', ')}`));
        }, timeoutMs);
        waiters.add(wake);
        check();
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
