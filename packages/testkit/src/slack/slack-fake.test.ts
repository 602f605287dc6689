import { createSlackFake } from './slack-fake';
import type { SlackFake } from './slack-fake';
import { SLACK_FAKE_IDS } from './slack-fake-users';
import { signSlackInteraction } from './signed-slack-request';

type Json = Record<string, unknown>;

describe('Slack Web API fake', () => {
  let fake: SlackFake;
  let now: number;

  beforeEach(async () => {
    now = 1_736_154_000_000;
    fake = await createSlackFake({ now: () => now });
  });
  afterEach(() => fake.close());

  async function form(method: string, fields: Record<string, string>, token: string | null = fake.botToken): Promise<{ status: number; headers: Headers; body: Json }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(`${fake.apiUrl}${method}`, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  }

  it('checks the bearer token: missing → not_authed, wrong → invalid_auth', async () => {
    expect((await form('auth.test', {}, null)).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await form('auth.test', {}, 'xoxb-other')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await form('auth.test', {})).body).toMatchObject({ ok: true, team_id: SLACK_FAKE_IDS.homeTeamId, user_id: SLACK_FAKE_IDS.botUserId });
  });

  it('accepts JSON bodies with a bearer token and records the parsed body', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: 'C0HELPDESK', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] }),
    });
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ ok: true, channel: 'C0HELPDESK' });
    expect(typeof body['ts']).toBe('string');
    expect(fake.callsTo('chat.postMessage')[0]?.body['blocks']).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }]);
  });

  it('decodes JSON-in-form arguments such as blocks', async () => {
    await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x', blocks: JSON.stringify([{ type: 'divider' }]) });
    expect(fake.callsTo('chat.postMessage')[0]?.body['blocks']).toEqual([{ type: 'divider' }]);
  });

  it('rejects blocks Slack would reject, e.g. a repeated action_id in one actions block', async () => {
    const button = { type: 'button', action_id: 'keyward.choose', text: { type: 'plain_text', text: 'A' } };
    const res = await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x', blocks: JSON.stringify([{ type: 'actions', elements: [button, button] }]) });
    expect(res.body).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('updates only messages it has seen', async () => {
    const posted = await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'v1' });
    expect((await form('chat.update', { channel: 'C0HELPDESK', ts: String(posted.body['ts']), text: 'v2' })).body).toMatchObject({ ok: true, text: 'v2' });
    expect((await form('chat.update', { channel: 'C0HELPDESK', ts: '1.000001', text: 'v2' })).body).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('serves the seeded users, omitting email without users:read.email', async () => {
    const alice = await form('users.info', { user: SLACK_FAKE_IDS.alice });
    expect(alice.body).toMatchObject({ ok: true, user: { id: SLACK_FAKE_IDS.alice, profile: { email: 'alice@example.com' } } });
    const partner = await form('users.info', { user: SLACK_FAKE_IDS.partner });
    expect(partner.body).toMatchObject({ user: { team_id: SLACK_FAKE_IDS.partnerTeamId } });
    expect((await form('users.info', { user: 'U0NOPE' })).body).toEqual({ ok: false, error: 'user_not_found' });
    const noScope = await createSlackFake({ emailScope: false });
    try {
      const res = await fetch(`${noScope.apiUrl}users.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${noScope.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: `user=${SLACK_FAKE_IDS.alice}`,
      });
      const body = (await res.json()) as { user: { profile: Json } };
      expect(body.user.profile['email']).toBeUndefined();
    } finally {
      await noScope.close();
    }
  });

  it('finds a member by email (case-insensitively), answers users_not_found otherwise, and needs users:read.email', async () => {
    expect((await form('users.lookupByEmail', { email: 'Alice@Example.com' })).body).toMatchObject({ ok: true, user: { id: SLACK_FAKE_IDS.alice } });
    expect((await form('users.lookupByEmail', { email: 'nobody@example.com' })).body).toEqual({ ok: false, error: 'users_not_found' });
    // Deactivated members are still found; the caller decides.
    expect((await form('users.lookupByEmail', { email: 'bob@example.com' })).body).toMatchObject({ ok: true, user: { id: SLACK_FAKE_IDS.deleted, deleted: true } });
    const noScope = await createSlackFake({ emailScope: false });
    try {
      const res = await fetch(`${noScope.apiUrl}users.lookupByEmail`, {
        method: 'POST',
        headers: { authorization: `Bearer ${noScope.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=alice%40example.com',
      });
      expect(await res.json()).toMatchObject({ ok: false, error: 'missing_scope', needed: 'users:read.email' });
    } finally {
      await noScope.close();
    }
  });

  it('accepts an ephemeral message for a known user without storing it in history', async () => {
    const res = await form('chat.postEphemeral', { channel: 'C0HELPDESK', user: SLACK_FAKE_IDS.alice, text: 'only you' });
    expect(res.body).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(fake.messages).toHaveLength(0);
    expect((await form('chat.postEphemeral', { channel: 'C0HELPDESK', user: 'U0NOPE', text: 'x' })).body).toEqual({ ok: false, error: 'user_not_in_channel' });
  });

  it('opens a DM channel per user', async () => {
    const a = await form('conversations.open', { users: SLACK_FAKE_IDS.alice });
    const b = await form('conversations.open', { users: SLACK_FAKE_IDS.alice });
    expect(a.body).toMatchObject({ ok: true, channel: { id: expect.stringMatching(/^D/) } });
    expect(b.body['channel']).toEqual(a.body['channel']);
    expect((await form('conversations.open', { users: SLACK_FAKE_IDS.deleted })).body).toEqual({ ok: false, error: 'user_disabled' });
  });

  describe('views.open trigger_id rules', () => {
    const view = JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'Keyward' }, blocks: [] });

    it('opens once per fresh trigger_id, then views.update by id', async () => {
      const trigger = fake.issueTriggerId();
      const opened = await form('views.open', { trigger_id: trigger, view });
      expect(opened.body).toMatchObject({ ok: true, view: { id: expect.stringMatching(/^V/) } });
      expect((await form('views.open', { trigger_id: trigger, view })).body).toEqual({ ok: false, error: 'exchanged_trigger_id' });
      const id = String((opened.body['view'] as Json)['id']);
      expect((await form('views.update', { view_id: id, view })).body).toMatchObject({ ok: true });
      expect((await form('views.update', { view_id: id, hash: 'stale', view })).body).toEqual({ ok: false, error: 'hash_conflict' });
      expect((await form('views.update', { view_id: 'V0NOPE', view })).body).toEqual({ ok: false, error: 'not_found' });
    });

    it('checks input modals: submit required, label and input limits, private_metadata at most 3000', async () => {
      const input = { type: 'input', block_id: 'note', label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'note', max_length: 1000 } };
      const base = { type: 'modal', title: { type: 'plain_text', text: 'Keyward' }, blocks: [input] };
      const open = (view: Json) => form('views.open', { trigger_id: fake.issueTriggerId(), view: JSON.stringify(view) });
      expect((await open(base)).body).toMatchObject({ ok: false, error: 'invalid_arguments' });
      const submit = { type: 'plain_text', text: 'Send' };
      expect((await open({ ...base, submit, private_metadata: 'x'.repeat(3001) })).body).toMatchObject({ ok: false });
      expect((await open({ ...base, submit, blocks: [{ ...input, element: { ...input.element, max_length: 5000 } }] })).body).toMatchObject({ ok: false });
      const ok = await open({ ...base, submit, private_metadata: 'x'.repeat(3000), callback_id: 'keyward.note' });
      expect(ok.body).toMatchObject({ ok: true, view: { private_metadata: 'x'.repeat(3000), callback_id: 'keyward.note' } });
      // Input blocks are a modal element here: a message carrying one is refused.
      expect((await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x', blocks: JSON.stringify([input]) })).body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    });

    it('refuses unknown and expired (older than 3 s) trigger_ids', async () => {
      expect((await form('views.open', { trigger_id: '1.2.abc', view })).body).toEqual({ ok: false, error: 'invalid_trigger_id' });
      const trigger = fake.issueTriggerId();
      now += 3001;
      expect((await form('views.open', { trigger_id: trigger, view })).body).toEqual({ ok: false, error: 'expired_trigger_id' });
    });
  });

  it('injects faults for the next N calls of one method only', async () => {
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 30 }, 2);
    fake.failNext('auth.test', { kind: 'error', error: 'account_inactive' });
    const first = await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x' });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('30');
    expect(first.body).toEqual({ ok: false, error: 'ratelimited' });
    expect((await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x' })).status).toBe(429);
    expect((await form('chat.postMessage', { channel: 'C0HELPDESK', text: 'x' })).body['ok']).toBe(true);
    expect((await form('auth.test', {})).body).toEqual({ ok: false, error: 'account_inactive' });
    expect(fake.calls.map((c) => c.status)).toEqual([429, 429, 200, 200]);
  });

  it('answers unknown methods like Slack does', async () => {
    expect((await form('admin.users.remove', {})).body).toEqual({ ok: false, error: 'unknown_method' });
  });
});

describe('signSlackInteraction', () => {
  it('sends the payload as a single form field, as Slack does', () => {
    const signed = signSlackInteraction({ type: 'block_actions', a: 'b&c' }, { signingSecret: 's', timestamp: 1 });
    expect(signed.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(new URLSearchParams(signed.body).get('payload') ?? '')).toEqual({ type: 'block_actions', a: 'b&c' });
    expect(signed.headers['x-slack-request-timestamp']).toBe('1');
    expect(signed.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
  });
});
