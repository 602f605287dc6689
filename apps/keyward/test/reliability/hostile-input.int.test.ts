import { request } from 'node:http';
import { openDatabase } from '@keyward/store';
import { callText, startProduct, TEST_DATABASE_URL } from '../support/product-harness';
import type { ProductHarness } from '../support/product-harness';
import { dropRunState, freePort, newRun, runEnv, spawnKeyward, waitForHealth } from '../support/product-process';
import type { KeywardChild, Run } from '../support/product-process';
import { buildDirectMessageEvent, buildUrlVerification, signSlackEvent, signSlackRequest } from '@keyward/testkit';

/*
 * Issue #7: hostile input to every HTTP endpoint of a gateway — fuzzed bodies, huge payloads, wrong
 * content types and methods, unsigned, stale, future-dated and replayed requests, validly signed
 * bodies of the wrong shape (Slack, Teams emulator mode), console phone answers for pushes that are not
 * the caller's. Every answer is a 4xx (or, for a
 * replay inside Slack's window, the ack of an event already handled), the process stays up, and
 * nothing changes: no request, no Slack post, no Okta call beyond start-up.
 */

const ALEX = 'U0ALEX0001';
let product: ProductHarness;

beforeAll(async () => {
  // Teams too, in emulator mode (no app credentials): /api/messages is then served by the same gateway.
  product = await startProduct({
    employees: [{ slackId: ALEX, name: 'alex' }],
    extraEnv: { TEAMS_EMULATOR_MODE: 'true', MICROSOFT_APP_TENANT_ID: '72f988bf-0000-4000-8000-0000000000aa', TEAMS_SERVICE_URL: 'http://127.0.0.1:9/' },
  });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
});

/** A raw request (node:http, so that any method, header and body can be sent as is). */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<number> {
  const url = new URL(path, product.url);
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    // A server that cuts an oversized upload answers (413) or resets: both are a refusal.
    req.on('error', () => resolve(-1));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Deterministic pseudo-random bytes: a failure reproduces. */
function fuzzBodies(count: number): Buffer[] {
  let seed = 0x5eed;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const samples = ['{', '{"type":"url_verification"}', '{"type":"event_callback","event":{"type":"message"}}', 'payload=%7B', 'payload={"type":"block_actions","actions":[{}]}', '\u0000\u0001', '[]', 'null', '{"token":"x","challenge":"<script>"}'];
  return Array.from({ length: count }, (_, i) => {
    if (i < samples.length) return Buffer.from(samples[i] as string);
    return Buffer.from(Array.from({ length: next() % 2048 }, () => next() % 256));
  });
}

const stateUnchanged = (): void => {
  expect(product.slack.callsTo('chat.postMessage')).toEqual([]);
  expect(product.okta.writes()).toEqual([]);
};

/** Row counts of what a request leaves behind in the product's own schema: requests, inbound events, audit. */
async function storedCounts(env: Readonly<Record<string, string>>): Promise<Record<string, number>> {
  const database = await openDatabase({ url: env['DATABASE_URL'] ?? TEST_DATABASE_URL, schema: env['DATABASE_SCHEMA'] as string, poolSize: 1 });
  try {
    const counts: Record<string, number> = {};
    for (const table of ['requests', 'inbound_events', 'audit_events'] as const) {
      const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  } finally {
    await database.close();
  }
}

const healthy = async (url: string): Promise<number> => (await fetch(`${url}/healthz`)).status;

/** Everything a request could change, for tests that run after others have left state behind. */
async function productState(): Promise<Record<string, number>> {
  return { slackPosts: product.slack.callsTo('chat.postMessage').length, slackUpdates: product.slack.callsTo('chat.update').length, oktaWrites: product.okta.writes().length, ...(await storedCounts(product.env)) };
}

test('fuzzed, unsigned and wrongly typed bodies on /slack/events: 4xx, no crash, no state change', async () => {
  const okta = product.okta.requests().length;
  const contentTypes = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml'];
  const statuses: number[] = [];
  for (const [i, body] of fuzzBodies(60).entries()) {
    const contentType = contentTypes[i % contentTypes.length] as string;
    // Half unsigned; half signed with a wrong secret (a correct-looking but forged signature).
    const headers: Record<string, string> = { 'content-type': contentType };
    if (i % 2 === 1) Object.assign(headers, signSlackEvent({}, { signingSecret: 'not-the-secret' }).headers);
    statuses.push(await send('POST', '/slack/events', headers, body));
  }
  expect(statuses.filter((s) => s < 400 || s >= 500)).toEqual([]);
  stateUnchanged();
  expect(product.okta.requests().length).toBe(okta);
  expect((await fetch(`${product.url}/healthz`)).status).toBe(200);
});

test('a 5 MB body, wrong methods and unknown paths: refused without a crash', async () => {
  const huge = Buffer.alloc(5 * 1024 * 1024, 0x61);
  const big = await send('POST', '/slack/events', { 'content-type': 'application/json', 'content-length': String(huge.length) }, huge);
  expect(big === -1 || (big >= 400 && big < 500)).toBe(true);
  expect(await send('GET', '/slack/events', {})).toBe(405);
  expect(await send('PUT', '/slack/events', { 'content-type': 'application/json' }, '{}')).toBe(405);
  expect(await send('POST', '/../../etc/passwd', {}, 'x')).toBe(404);
  expect(await send('POST', '/api/messages', { 'content-type': 'application/json' }, '{}')).toBeGreaterThanOrEqual(400);
  expect(await send('DELETE', '/readyz', {})).toBeLessThan(500);
  expect(await send('GET', `/${'a'.repeat(8000)}`, {})).toBeGreaterThanOrEqual(400);
  stateUnchanged();
  expect((await fetch(`${product.url}/healthz`)).status).toBe(200);
});

test('a validly signed DM with a stale timestamp is refused; replaying a handled one changes nothing', async () => {
  const stale = buildDirectMessageEvent({ user: ALEX, text: 'I forgot my password', ts: `${Math.floor(Date.now() / 1000)}.000101` });
  const old = await product.deliverEvent(stale, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
  expect(old.status).toBe(401);
  stateUnchanged();

  const sent = await product.sendDm(ALEX, 'help');
  expect(sent.status).toBe(200);
  await product.waitForReply(sent, () => true, 'the answer to "help"');
  const replies = product.threadReplies(sent).length;
  // The exact captured request again, three times (an attacker replaying inside the 5-minute window).
  for (let i = 0; i < 3; i += 1) expect((await product.deliverEvent(sent.envelope)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1500));
  expect(product.threadReplies(sent)).toHaveLength(replies);
  expect(product.threadReplies(sent).map(callText).join()).not.toContain('undefined');
  expect(product.okta.writes()).toEqual([]);
});

test('validly signed bodies Bolt cannot route (null, payload=null, event null…): 400, the process stays up, nothing stored', async () => {
  const before = await productState();
  const form = (payload: string): string => new URLSearchParams({ payload }).toString();
  const FORM = 'application/x-www-form-urlencoded';
  const bodies: Array<[string, string]> = [
    // These two used to be an uncaught TypeError inside Bolt: the whole gateway stopped.
    ['application/json', 'null'],
    [FORM, form('null')],
    ['application/json', '[]'],
    ['application/json', '{}'],
    ['application/json', '{"type":"event_callback","event":null}'],
    ['application/json', '{"type":"event_callback","event":{"type":"reaction_added","item":"x"}}'],
    ['application/json', '{"type":"url_verification"}'],
    [FORM, form(`{"type":"view_submission","user":{"id":"${ALEX}"}}`)],
    [FORM, form(`{"type":"block_actions","user":{"id":"${ALEX}"},"actions":null}`)],
    [FORM, form('{"type":"shortcut","callback_id":"x"}')],
    [FORM, form(`{"type":"view_closed","user":{"id":"${ALEX}"}}`)],
    [FORM, 'token=x&team_id=T1'],
  ];
  for (const [contentType, body] of bodies) {
    const signed = signSlackRequest(body, contentType, { signingSecret: product.signingSecret });
    expect([body, await send('POST', '/slack/events', signed.headers, body)]).toEqual([body, 400]);
    expect(await healthy(product.url)).toBe(200);
  }
  expect(await productState()).toEqual(before);
  expect(product.output()).not.toContain('Cannot read properties');
});

test('a validly signed request from the future (+20 h, +6 min) is refused like a stale one; ±4 min of skew is accepted', async () => {
  const before = await productState();
  const now = Math.floor(Date.now() / 1000);
  for (const offset of [20 * 3600, 6 * 60, -6 * 60]) {
    const dm = buildDirectMessageEvent({ user: ALEX, text: 'I forgot my password', ts: `${now}.000202` });
    expect((await product.deliverEvent(dm, { timestamp: now + offset })).status).toBe(401);
  }
  // Inside the window both ways; url_verification stores nothing.
  for (const offset of [4 * 60, -4 * 60]) {
    const answer = await product.deliverEvent(buildUrlVerification(`chal-${offset}`), { timestamp: now + offset });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`chal-${offset}`);
  }
  expect(await healthy(product.url)).toBe(200);
  expect(await productState()).toEqual(before);
});

test('Teams /api/messages (emulator mode): bodies that are not an activity get 400, not 500, and change nothing', async () => {
  const before = await productState();
  for (const body of ['null', '[]', '{}', '"x"', '{"type":7}', '{"type":']) {
    expect([body, await send('POST', '/api/messages', { 'content-type': 'application/json' }, body)]).toEqual([body, 400]);
  }
  expect(await healthy(product.url)).toBe(200);
  expect(await productState()).toEqual(before);
  expect(product.output()).not.toContain('teams request failed');
});

describe('console phone (embedded sandbox)', () => {
  let child: KeywardChild;
  let run: Run;
  let url: string;
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const pendingFor = async (chatUserId: string): Promise<string[]> => {
    const body = (await (await fetch(`${url}/console/api/phone?chatUserId=${chatUserId}`)).json()) as { pending: { transactionId: string }[] };
    return body.pending.map((p) => p.transactionId);
  };

  beforeAll(async () => {
    // No SLACK_*/TEAMS_*/OKTA_*: the console with the sandbox directory and its simulated phone.
    run = newRun({ schema: 'kw_hostile_console', queue: 'kwhc', dir: 'keyward-hostile-console' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawnKeyward({ env: { ...runEnv(run, { port }), STEPUP_POLL_INTERVAL_MS: '200', LOG_LEVEL: 'warn' } });
    await waitForHealth(child, url, { onFailure: () => dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] }) });
  }, 60_000);

  afterAll(async () => {
    await child?.kill();
    if (run) await dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] });
  });

  test('answering an unknown push is 404, someone else\'s push 403: plain JSON, no error logged, the push still waits', async () => {
    expect((await post('/console/api/messages', { chatUserId: 'console-alice', text: 'I forgot my password' })).status).toBe(202);
    let pending: string[] = [];
    const deadline = Date.now() + 20_000;
    while (pending.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pending = await pendingFor('console-alice');
    }
    const [alicePush] = pending;
    if (alicePush === undefined) throw new Error(`no push reached Alice's phone:\n${child.output()}`);
    // Let the request settle on "waiting for the push" before taking the audit snapshot.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const audit = async (): Promise<unknown[]> => ((await (await fetch(`${url}/console/api/audit`)).json()) as { records: unknown[] }).records;
    const before = await audit();

    const unknown = await post('/console/api/phone/answer', { chatUserId: 'console-alice', transactionId: 'tx-does-not-exist', choice: 42 });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'phone.push_unknown', message: expect.any(String) } });
    for (const choice of [42, 'deny']) {
      const notYours = await post('/console/api/phone/answer', { chatUserId: 'console-bob', transactionId: alicePush, choice });
      expect(notYours.status).toBe(403);
      expect(await notYours.json()).toEqual({ error: { code: 'phone.push_not_yours', message: expect.any(String) } });
    }

    expect(await healthy(url)).toBe(200);
    expect(await pendingFor('console-alice')).toEqual([alicePush]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await audit()).toEqual(before);
    expect(child.output()).not.toContain('console request failed');
  }, 60_000);
});
