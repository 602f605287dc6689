import { computeSlackSignature } from '@keyward/testkit';
import { isSslCheck, parseSlackBody, slackBodyProblem, SLACK_TIMESTAMP_TOLERANCE_SECONDS, verifySlackSignature } from './slack-request-guard';

const SECRET = 'guard-test-secret';
const NOW_MS = Date.parse('2025-01-06T09:00:00.000Z');
const NOW = NOW_MS / 1000;
const BODY = '{"type":"event_callback","event":{"type":"message"}}';
const FORM = 'application/x-www-form-urlencoded';

function verify(timestamp: number | string, options: { body?: string; signature?: string | null } = {}) {
  const body = options.body ?? BODY;
  const signature = options.signature === undefined ? computeSlackSignature(SECRET, timestamp, body) : options.signature;
  return verifySlackSignature({ signingSecret: SECRET, rawBody: Buffer.from(body), timestamp: String(timestamp), signature: signature ?? undefined, nowMs: NOW_MS });
}

describe('verifySlackSignature: v0 HMAC inside ±5 minutes (Slack "Verifying requests from Slack")', () => {
  it.each([
    ['now', 0],
    ['4 min ago', -4 * 60],
    ['4 min ahead (clock skew)', 4 * 60],
    ['exactly 5 min ago', -SLACK_TIMESTAMP_TOLERANCE_SECONDS],
    ['exactly 5 min ahead', SLACK_TIMESTAMP_TOLERANCE_SECONDS],
  ])('accepts a correct signature with a timestamp %s', (_name, offset) => {
    expect(verify(NOW + offset)).toEqual({ ok: true });
  });

  it.each([
    ['6 min ago (replay)', -6 * 60],
    ['5 min 1 s ago', -SLACK_TIMESTAMP_TOLERANCE_SECONDS - 1],
    ['5 min 1 s ahead', SLACK_TIMESTAMP_TOLERANCE_SECONDS + 1],
    ['6 min ahead', 6 * 60],
    ['20 hours ahead', 20 * 3600],
    ['a year ahead', 365 * 24 * 3600],
  ])('refuses a correct signature with a timestamp %s', (_name, offset) => {
    expect(verify(NOW + offset)).toEqual({ ok: false, reason: expect.stringContaining('5 minutes') });
  });

  it('refuses a wrong, truncated, missing or repeated signature, and a malformed timestamp', () => {
    expect(verify(NOW, { signature: computeSlackSignature('another-secret', NOW, BODY) }).ok).toBe(false);
    expect(verify(NOW, { signature: computeSlackSignature(SECRET, NOW, BODY).slice(0, 40) }).ok).toBe(false);
    expect(verify(NOW, { signature: computeSlackSignature(SECRET, NOW, BODY).replace('v0=', 'v1=') }).ok).toBe(false);
    expect(verify(NOW, { signature: null }).ok).toBe(false);
    for (const timestamp of ['', 'abc', `${NOW}.5`, `-${NOW}`, ` ${NOW}`, '1e9']) expect(verify(timestamp).ok).toBe(false);
    const signature = computeSlackSignature(SECRET, NOW, BODY);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: Buffer.from(BODY), timestamp: [String(NOW), String(NOW)], signature, nowMs: NOW_MS }).ok).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: Buffer.from(BODY), timestamp: String(NOW), signature: [signature, signature], nowMs: NOW_MS }).ok).toBe(false);
  });

  it('signs the exact bytes: a body changed after signing is refused', () => {
    const signature = computeSlackSignature(SECRET, NOW, BODY);
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: Buffer.from(BODY.replace('message', 'massage')), timestamp: String(NOW), signature, nowMs: NOW_MS }).ok).toBe(false);
  });
});

describe('parseSlackBody / slackBodyProblem: what Bolt can route', () => {
  const json = (value: unknown) => parseSlackBody(Buffer.from(JSON.stringify(value)), 'application/json');
  const form = (payload: string) => parseSlackBody(Buffer.from(new URLSearchParams({ payload }).toString()), FORM);

  it('accepts what Slack sends', () => {
    expect(json({ type: 'url_verification', challenge: 'c' }).ok).toBe(true);
    expect(json({ type: 'event_callback', event: { type: 'message', channel: 'D1', user: 'U1', item: { channel: 'C1' } }, authorizations: [{ team_id: 'T1' }] }).ok).toBe(true);
    expect(json({ type: 'app_rate_limited', minute_rate_limited: 1 }).ok).toBe(true);
    expect(form(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, team: null, channel: { id: 'D1' }, actions: [{ action_id: 'a' }] })).ok).toBe(true);
    expect(form(JSON.stringify({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1' } })).ok).toBe(true);
    expect(form(JSON.stringify({ type: 'shortcut', user: { id: 'U1' }, callback_id: 'x' })).ok).toBe(true);
    expect(parseSlackBody(Buffer.from(`payload=${encodeURIComponent('{"type":"view_closed","user":{"id":"U1"},"view":{"id":"V"}}')}`), `${FORM}; charset=utf-8`).ok).toBe(true);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '5'],
    ['an empty object', '{}'],
    ['a numeric type', '{"type":5}'],
    ['an empty type', '{"type":""}'],
    ['not JSON', '{'],
    ['url_verification without a challenge', '{"type":"url_verification"}'],
    ['event_callback with event null', '{"type":"event_callback","event":null}'],
    ['event_callback without an event', '{"type":"event_callback"}'],
    ['an event without a type', '{"type":"event_callback","event":{}}'],
    ['an event outside event_callback', '{"type":"app_rate_limited","event":{"type":"message"}}'],
    ['event.channel null', '{"type":"event_callback","event":{"type":"message","channel":null}}'],
    ['event.user null', '{"type":"event_callback","event":{"type":"message","user":null}}'],
    ['event.item a string', '{"type":"event_callback","event":{"type":"reaction_added","item":"x"}}'],
    ['authorizations [null]', '{"type":"event_callback","event":{"type":"message"},"authorizations":[null]}'],
    ['a slash command', '{"type":"x","command":"/reset"}'],
  ])('refuses a JSON body that is %s', (_name, body) => {
    expect(parseSlackBody(Buffer.from(body), 'application/json').ok).toBe(false);
  });

  it.each([
    ['payload=null', 'null'],
    ['an array payload', '[]'],
    ['a payload without a type', '{"user":{"id":"U1"}}'],
    ['view_submission without a view', '{"type":"view_submission","user":{"id":"U1"}}'],
    ['view_closed without a view', '{"type":"view_closed","user":{"id":"U1"}}'],
    ['block_actions with actions null', '{"type":"block_actions","user":{"id":"U1"},"actions":null}'],
    ['block_actions with no actions', '{"type":"block_actions","user":{"id":"U1"},"actions":[]}'],
    ['block_actions with actions [null]', '{"type":"block_actions","user":{"id":"U1"},"actions":[null]}'],
    ['block_actions without a user', '{"type":"block_actions","actions":[{"action_id":"a"}]}'],
    ['block_actions with channel null', '{"type":"block_actions","user":{"id":"U1"},"channel":null,"actions":[{"action_id":"a"}]}'],
    ['a shortcut without a user', '{"type":"shortcut","callback_id":"x"}'],
    ['a message_action with user null', '{"type":"message_action","user":null}'],
    ['block_suggestion without a user', '{"type":"block_suggestion"}'],
    ['response_urls null', '{"type":"view_submission","user":{"id":"U1"},"view":{},"response_urls":null}'],
  ])('refuses a form body with %s', (_name, payload) => {
    expect(form(payload).ok).toBe(false);
  });

  it('refuses a form without exactly one payload field', () => {
    expect(parseSlackBody(Buffer.from('token=x&team_id=T1'), FORM).ok).toBe(false);
    const one = encodeURIComponent('{"type":"shortcut","user":{"id":"U1"}}');
    expect(parseSlackBody(Buffer.from(`payload=${one}&payload=${one}`), FORM).ok).toBe(false);
  });

  it('names the problem without echoing the body', () => {
    expect(slackBodyProblem({ type: 'event_callback', event: null, text: 'secret words' })).toBe('event_callback without an event object with a string type');
  });

  it('recognises ssl_check only in a form body', () => {
    expect(isSslCheck(Buffer.from('ssl_check=1&token=x'), FORM)).toBe(true);
    expect(isSslCheck(Buffer.from('ssl_check=0'), FORM)).toBe(false);
    expect(isSslCheck(Buffer.from('ssl_check=1'), 'application/json')).toBe(false);
  });
});
