import { request } from 'node:http';
import { callText, startProduct } from '../support/product-harness';
import type { ProductHarness } from '../support/product-harness';
import { buildDirectMessageEvent, signSlackEvent } from '@keyward/testkit';

/*
 * Issue #7: hostile input to every HTTP endpoint of a gateway — fuzzed bodies, huge payloads, wrong
 * content types and methods, unsigned, stale and replayed requests. Every answer is a 4xx (or, for a
 * replay inside Slack's window, the ack of an event already handled), the process stays up, and
 * nothing changes: no request, no Slack post, no Okta call beyond start-up.
 */

const ALEX = 'U0ALEX0001';
let product: ProductHarness;

beforeAll(async () => {
  product = await startProduct({ employees: [{ slackId: ALEX, name: 'alex' }] });
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
