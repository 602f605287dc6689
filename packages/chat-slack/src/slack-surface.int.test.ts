import { AppError } from '@keyward/core';
import type { ChatSurface } from '@keyward/core';
import { createRecordingLogger } from '@keyward/core/testing';
import { createSlackFake, SLACK_FAKE_IDS } from '@keyward/testkit';
import type { SlackFake } from '@keyward/testkit';
import { createSlackSurface } from './slack-surface';

const ESCALATION_CHANNEL = 'C0HELPDESK';

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('Slack surface against the Web API fake (real WebClient)', () => {
  let fake: SlackFake;
  let surface: ChatSurface;

  beforeEach(async () => {
    fake = await createSlackFake();
    surface = createSlackSurface({ token: fake.botToken, apiUrl: fake.apiUrl, escalationChannelId: ESCALATION_CHANNEL, logger: createRecordingLogger() });
  });
  afterEach(() => fake.close());

  describe('lookupUser', () => {
    it('returns the verified profile email of a home-workspace employee', async () => {
      const identity = await surface.lookupUser(SLACK_FAKE_IDS.alice, SLACK_FAKE_IDS.homeTeamId);
      expect(identity).toEqual({
        chatUserId: SLACK_FAKE_IDS.alice,
        email: 'alice@example.com',
        displayName: 'alice',
        isBot: false,
        isExternal: false,
        isDeleted: false,
      });
      expect(fake.callsTo('users.info')[0]?.body['user']).toBe(SLACK_FAKE_IDS.alice);
    });

    it('leaves email empty when the profile has none, never substituting the display name (F02)', async () => {
      const identity = await surface.lookupUser(SLACK_FAKE_IDS.noEmail);
      expect(identity.email).toBeUndefined();
      expect(identity.displayName).toBe('nomail');
      expect(identity.isExternal).toBe(false);
    });

    it('leaves email empty when the app lacks users:read.email', async () => {
      const scoped = await createSlackFake({ emailScope: false });
      try {
        const s = createSlackSurface({ token: scoped.botToken, apiUrl: scoped.apiUrl, escalationChannelId: ESCALATION_CHANNEL, logger: createRecordingLogger() });
        expect((await s.lookupUser(SLACK_FAKE_IDS.alice)).email).toBeUndefined();
      } finally {
        await scoped.close();
      }
    });

    it('ignores a display name copied from another user: identity stays the caller’s (F19a)', async () => {
      const attacker = fake.users.get(SLACK_FAKE_IDS.noEmail);
      if (attacker === undefined) throw new Error('seed missing');
      attacker.profile.display_name = 'alice';
      attacker.profile.real_name = 'alice@example.com';
      const identity = await surface.lookupUser(SLACK_FAKE_IDS.noEmail);
      expect(identity.chatUserId).toBe(SLACK_FAKE_IDS.noEmail);
      expect(identity.email).toBeUndefined();
    });

    it.each([
      ['a Slack Connect user from a partner org', SLACK_FAKE_IDS.partner],
      ['a user Slack marks is_stranger', SLACK_FAKE_IDS.stranger],
      ['a guest (is_restricted)', SLACK_FAKE_IDS.guest],
    ])('marks %s as external (F19b)', async (_name, id) => {
      expect((await surface.lookupUser(id)).isExternal).toBe(true);
    });

    it('marks a home user as external when the event says they came from another team', async () => {
      expect((await surface.lookupUser(SLACK_FAKE_IDS.alice, SLACK_FAKE_IDS.partnerTeamId)).isExternal).toBe(true);
    });

    it('treats another workspace of the same Enterprise Grid org as home', async () => {
      const grid = await createSlackFake({ enterpriseId: 'E0GRID0001' });
      try {
        const user = grid.users.get(SLACK_FAKE_IDS.partner);
        if (user === undefined) throw new Error('seed missing');
        Object.assign(user, { enterprise_user: { enterprise_id: 'E0GRID0001' } });
        const s = createSlackSurface({ token: grid.botToken, apiUrl: grid.apiUrl, escalationChannelId: ESCALATION_CHANNEL, logger: createRecordingLogger() });
        expect((await s.lookupUser(SLACK_FAKE_IDS.partner)).isExternal).toBe(false);
      } finally {
        await grid.close();
      }
    });

    it('flags bots and deleted users', async () => {
      expect((await surface.lookupUser(SLACK_FAKE_IDS.otherBot)).isBot).toBe(true);
      const deleted = await surface.lookupUser(SLACK_FAKE_IDS.deleted);
      expect(deleted.isDeleted).toBe(true);
      expect(deleted.isBot).toBe(false);
    });

    it('reads the home workspace from auth.test once', async () => {
      await surface.lookupUser(SLACK_FAKE_IDS.alice);
      await surface.lookupUser(SLACK_FAKE_IDS.partner);
      expect(fake.callsTo('auth.test')).toHaveLength(1);
    });

    it('uses a configured homeTeamId without calling auth.test', async () => {
      const s = createSlackSurface({ token: fake.botToken, apiUrl: fake.apiUrl, escalationChannelId: ESCALATION_CHANNEL, homeTeamId: SLACK_FAKE_IDS.partnerTeamId, logger: createRecordingLogger() });
      expect((await s.lookupUser(SLACK_FAKE_IDS.alice)).isExternal).toBe(true);
      expect(fake.callsTo('auth.test')).toHaveLength(0);
    });

    it('maps an unknown user to identity.not_found', async () => {
      const error = await caught(surface.lookupUser('U0NOBODY01'));
      expect(error.code).toBe('identity.not_found');
    });
  });

  describe('post / update / escalate', () => {
    const conversation = { surface: 'slack' as const, channelId: 'D0ALICE001', threadId: '1736154000.000100' };

    it('posts Block Kit into the thread and returns the new ts', async () => {
      const ts = await surface.post(conversation, {
        text: 'Reset your password — approve the push on your phone.',
        emphasis: '47',
        tone: 'info',
        buttons: [
          { actionId: 'keyward.choose', value: 'opt:1', label: 'Option 1', style: 'primary' },
          { actionId: 'keyward.choose', value: 'opt:2', label: 'Option 2' },
          { actionId: 'keyward.cancel', value: 'req-1', label: 'Cancel', style: 'danger' },
        ],
        context: ['Request req-1', 'state: verifying'],
      });
      const [call] = fake.callsTo('chat.postMessage');
      expect(call?.response).toMatchObject({ ok: true, ts });
      expect(call?.body).toMatchObject({ channel: 'D0ALICE001', thread_ts: conversation.threadId, unfurl_links: 'false' });
      const blocks = call?.body['blocks'] as Array<Record<string, unknown>>;
      expect(blocks.map((b) => b['type'])).toEqual(['section', 'header', 'actions', 'context']);
      expect(blocks[1]).toMatchObject({ text: { type: 'plain_text', text: '47' } });
      const elements = blocks[2]?.['elements'] as Array<Record<string, unknown>>;
      expect(elements.map((e) => [e['action_id'], e['value']])).toEqual([
        ['keyward.choose', 'opt:1'],
        ['keyward.choose#2', 'opt:2'],
        ['keyward.cancel', 'req-1'],
      ]);
      expect(call?.body['text']).toContain('Reset your password');
    });

    it('keeps mentions and links from user or IdP text inert (invariant 7)', async () => {
      const hostile = 'hi <!channel> <!here> <@U0ADMIN001> <#C0SECRET1> <http://evil.example|Okta login> & more';
      await surface.post(conversation, { text: hostile, context: [hostile] });
      await surface.escalate({ reason: hostile, facts: { [`who <!everyone>`]: hostile }, severity: 'warning' });
      const posted = fake.callsTo('chat.postMessage').map((c) => JSON.stringify({ text: c.body['text'], blocks: c.body['blocks'] }));
      expect(posted).toHaveLength(2);
      for (const body of posted) {
        for (const control of ['<!channel>', '<!here>', '<!everyone>', '<@U0ADMIN001>', '<#C0SECRET1>', '<http://evil']) {
          expect(body).not.toContain(control);
        }
        expect(body).toContain('&lt;!channel&gt;');
        expect(body).toContain('&amp; more');
      }
    });

    it('updates a posted message in place', async () => {
      const ts = await surface.post(conversation, { text: 'Waiting for approval' });
      await surface.update(conversation, ts, { text: 'Approved <@U0X>', tone: 'success' });
      const [call] = fake.callsTo('chat.update');
      expect(call?.response['ok']).toBe(true);
      expect(call?.body).toMatchObject({ channel: 'D0ALICE001', ts });
      expect(JSON.stringify(call?.body['blocks'])).toContain('Approved &lt;@U0X&gt;');
    });

    it('escalates to the helpdesk channel with the facts as fields', async () => {
      await surface.escalate({
        requestId: 'req-9',
        reason: 'Target is in a privileged group',
        facts: { requester: 'alice@example.com', action: 'group.add', group: 'Domain Admins' },
        severity: 'critical',
      });
      const [call] = fake.callsTo('chat.postMessage');
      expect(call?.body['channel']).toBe(ESCALATION_CHANNEL);
      expect(call?.response['ok']).toBe(true);
      const blocks = call?.body['blocks'] as Array<Record<string, unknown>>;
      const fields = blocks.find((b) => b['fields'] !== undefined)?.['fields'] as Array<{ text: string }>;
      expect(fields.map((f) => f.text)).toEqual(['*requester*\nalice@example.com', '*action*\ngroup.add', '*group*\nDomain Admins']);
      expect(JSON.stringify(blocks)).toContain('Request req-9');
    });
  });

  describe('errors', () => {
    const conversation = { surface: 'slack' as const, channelId: 'D0ALICE001' };

    it('maps a 429 to a retryable chat.unavailable carrying Retry-After', async () => {
      fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
      const error = await caught(surface.post(conversation, { text: 'hello' }));
      expect(error).toMatchObject({ code: 'chat.unavailable', retryable: true, retryAfterMs: 7000 });
      // No hidden retry inside the client: the queue decides when to try again.
      expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    });

    it('maps a 5xx to a retryable chat.unavailable', async () => {
      fake.failNext('chat.update', { kind: 'http', status: 503 });
      const error = await caught(surface.update(conversation, '1.2', { text: 'x' }));
      expect(error).toMatchObject({ code: 'chat.unavailable', retryable: true });
    });

    it('maps an unreachable Slack to a retryable chat.unavailable', async () => {
      const gone = await createSlackFake();
      await gone.close();
      const s = createSlackSurface({ token: gone.botToken, apiUrl: gone.apiUrl, escalationChannelId: ESCALATION_CHANNEL, homeTeamId: 'T1', logger: createRecordingLogger() });
      const error = await caught(s.post(conversation, { text: 'x' }));
      expect(error).toMatchObject({ code: 'chat.unavailable', retryable: true });
    });

    it('maps API errors to a non-retryable chat.bad_request', async () => {
      const error = await caught(surface.post({ ...conversation, channelId: 'not-a-channel' }, { text: 'x' }));
      expect(error).toMatchObject({ code: 'chat.bad_request', retryable: false, details: { method: 'chat.postMessage', slackError: 'channel_not_found' } });
      fake.failNext('chat.postMessage', { kind: 'error', error: 'internal_error' });
      expect(await caught(surface.post(conversation, { text: 'x' }))).toMatchObject({ code: 'chat.unavailable', retryable: true });
    });

    it('maps a revoked token to chat.bad_request', async () => {
      const s = createSlackSurface({ token: 'xoxb-revoked', apiUrl: fake.apiUrl, escalationChannelId: ESCALATION_CHANNEL, logger: createRecordingLogger() });
      const error = await caught(s.lookupUser(SLACK_FAKE_IDS.alice));
      expect(error).toMatchObject({ code: 'chat.bad_request', details: { slackError: 'invalid_auth' } });
    });
  });
});
