import { AppError } from '@keyward/core';
import type { ChatSurface } from '@keyward/core';
import { createRecordingLogger } from '@keyward/core/testing';
import { AppError as CoreAppError, CHAT_ACTIONS } from '@keyward/core';
import { buildSlackFakeUser, createSlackFake, SLACK_FAKE_IDS } from '@keyward/testkit';
import type { SlackFake } from '@keyward/testkit';
import { parseSlackActionId } from './block-kit-renderer';
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

  describe('approvers: findUserByEmail / openDirectConversation', () => {
    const FRANK = 'U0FRANK001';
    beforeEach(() => {
      fake.users.set(FRANK, buildSlackFakeUser(FRANK, 'frank', 'frank@example.com'));
    });

    it('finds a member by their verified email with users.lookupByEmail', async () => {
      expect(await surface.findUserByEmail('frank@example.com')).toBe(FRANK);
      expect(await surface.findUserByEmail('Frank@Example.COM')).toBe(FRANK);
      expect(fake.callsTo('users.lookupByEmail')[0]?.body['email']).toBe('frank@example.com');
    });

    it('answers undefined for an address nobody has (users_not_found), and never looks at names', async () => {
      const impostor = fake.users.get(SLACK_FAKE_IDS.noEmail);
      if (impostor === undefined) throw new Error('seed missing');
      impostor.name = 'frank';
      impostor.profile.display_name = 'frank@example.org';
      impostor.profile.real_name = 'Frank';
      expect(await surface.findUserByEmail('frank@example.org')).toBeUndefined();
      expect(fake.callsTo('users.lookupByEmail')).toHaveLength(1);
      expect(fake.callsTo('users.list')).toHaveLength(0);
    });

    it.each([
      ['a deactivated account', 'bob@example.com'],
      ['a Slack Connect user from a partner org', 'mallory@partner.example'],
      ['a guest', 'contractor@example.com'],
      ['an is_stranger user', 'stranger@elsewhere.example'],
    ])('never routes to %s', async (_name, email) => {
      expect(await surface.findUserByEmail(email)).toBeUndefined();
    });

    it('surfaces a missing users:read.email scope as an error instead of "nobody"', async () => {
      const scoped = await createSlackFake({ emailScope: false });
      try {
        const s = createSlackSurface({ token: scoped.botToken, apiUrl: scoped.apiUrl, escalationChannelId: ESCALATION_CHANNEL, logger: createRecordingLogger() });
        expect(await caught(s.findUserByEmail('alice@example.com'))).toMatchObject({ code: 'chat.bad_request', details: { slackError: 'missing_scope' } });
      } finally {
        await scoped.close();
      }
    });

    it('opens the bot’s DM with a user (conversations.open) and posts the approval card there, not in a thread', async () => {
      const dm = await surface.openDirectConversation(FRANK);
      expect(dm).toEqual({ surface: 'slack', channelId: `D${FRANK.slice(1)}` });
      expect(fake.callsTo('conversations.open')[0]?.body['users']).toBe(FRANK);
      await surface.post(dm, {
        text: 'Alice asks to join design-team: "new project <!here>"',
        buttons: [
          { actionId: CHAT_ACTIONS.approve, value: 'req-1|apr-1', label: 'Approve', style: 'primary' },
          { actionId: CHAT_ACTIONS.deny, value: 'req-1|apr-1', label: 'Deny', style: 'danger' },
        ],
      });
      const [call] = fake.callsTo('chat.postMessage');
      expect(call?.response['ok']).toBe(true);
      expect(call?.body['channel']).toBe(dm.channelId);
      expect(call?.body['thread_ts']).toBeUndefined();
      const actions = (call?.body['blocks'] as Array<Record<string, unknown>>).find((b) => b['type'] === 'actions');
      expect((actions?.['elements'] as Array<Record<string, unknown>>).map((e) => [e['action_id'], e['value'], e['style']])).toEqual([
        ['keyward.approve', 'req-1|apr-1', 'primary'],
        ['keyward.deny', 'req-1|apr-1', 'danger'],
      ]);
      expect(JSON.stringify(call?.body)).not.toContain('<!here>');
    });

    it('maps a deactivated user to chat.bad_request (user_disabled)', async () => {
      expect(await caught(surface.openDirectConversation(SLACK_FAKE_IDS.deleted))).toMatchObject({ code: 'chat.bad_request', details: { slackError: 'user_disabled' } });
    });
  });

  describe('helpdesk case cards', () => {
    const caseButtons = [
      { actionId: CHAT_ACTIONS.caseTake, value: 'req-7', label: 'Take' },
      { actionId: CHAT_ACTIONS.caseResolve, value: 'req-7', label: 'Resolve', style: 'primary' as const },
      { actionId: CHAT_ACTIONS.caseReject, value: 'req-7', label: 'Reject', style: 'danger' as const },
      { actionId: CHAT_ACTIONS.approve, value: 'req-7|apr-9', label: 'Approve' },
      { actionId: CHAT_ACTIONS.deny, value: 'req-7|apr-9', label: 'Deny' },
    ];

    it('returns where the card was posted, and updateEscalation replaces that very message', async () => {
      const posted = await surface.escalate({ requestId: 'req-7', reason: 'Conditional-access exception', facts: { Who: 'alice' }, severity: 'warning', buttons: caseButtons, status: 'Open' });
      const [post] = fake.callsTo('chat.postMessage');
      expect(posted).toEqual({ conversation: { surface: 'slack', channelId: ESCALATION_CHANNEL }, messageId: post?.response['ts'] });
      if (posted === undefined) throw new Error('expected a posted card');

      await surface.updateEscalation(posted, { requestId: 'req-7', reason: 'Conditional-access exception', facts: { Who: 'alice' }, severity: 'warning', status: 'Taken by Hank', buttons: caseButtons.slice(1, 3) });
      const [update] = fake.callsTo('chat.update');
      expect(update?.response['ok']).toBe(true);
      expect(update?.body).toMatchObject({ channel: ESCALATION_CHANNEL, ts: posted?.messageId });
      const stored = fake.messages.find((m) => m.ts === posted?.messageId);
      expect(stored?.edits).toBe(1);
      expect(JSON.stringify(stored?.blocks)).toContain('Taken by Hank');
      expect(JSON.stringify(stored?.blocks)).not.toContain('keyward.case_take');
    });

    it('renders status and every case button with distinct action ids, which parse back', async () => {
      await surface.escalate({ requestId: 'req-7', reason: 'r', facts: {}, severity: 'critical', buttons: caseButtons, status: 'Open' });
      const [call] = fake.callsTo('chat.postMessage');
      expect(call?.response['ok']).toBe(true);
      const blocks = call?.body['blocks'] as Array<Record<string, unknown>>;
      expect(blocks.map((b) => b['type'])).toEqual(['header', 'section', 'context', 'actions', 'context']);
      expect(JSON.stringify(blocks[2])).toContain('*Status:* Open');
      const elements = blocks[3]?.['elements'] as Array<Record<string, unknown>>;
      expect(elements.map((e) => e['action_id'])).toEqual(caseButtons.map((b) => b.actionId));
      expect(elements.map((e) => parseSlackActionId(String(e['action_id'])))).toEqual(caseButtons.map((b) => b.actionId));
    });

    it('keeps mentions and links in reason, facts and status inert (invariant 7)', async () => {
      const hostile = '<!channel> <@U0ADMIN001> <http://evil.example|Okta>';
      await surface.escalate({ reason: hostile, facts: { [hostile]: hostile, Excerpt: `please ${hostile}` }, severity: 'warning', status: hostile, buttons: [{ actionId: CHAT_ACTIONS.caseTake, value: 'req-1', label: 'Take' }] });
      const posted = await surface.escalate({ reason: 'ok', facts: {}, severity: 'info' });
      if (posted === undefined) throw new Error('expected a posted card');
      await surface.updateEscalation(posted, { reason: 'ok', facts: { note: hostile }, severity: 'info', status: `Resolved by ${hostile}` });
      const bodies = [...fake.callsTo('chat.postMessage'), ...fake.callsTo('chat.update')].map((c) => JSON.stringify({ text: c.body['text'], blocks: c.body['blocks'] }));
      for (const body of bodies) {
        for (const control of ['<!channel>', '<@U0ADMIN001>', '<http://evil']) expect(body).not.toContain(control);
      }
      expect(bodies[0]).toContain('&lt;!channel&gt;');
      expect(bodies[2]).toContain('Resolved by &lt;!channel&gt;');
    });

    it('refuses to update a card of another surface', async () => {
      const error = await caught(surface.updateEscalation({ conversation: { surface: 'console', channelId: 'helpdesk' }, messageId: 'esc-1' }, { reason: 'r', facts: {}, severity: 'info' }));
      expect(error).toBeInstanceOf(CoreAppError);
      expect(error.code).toBe('chat.bad_request');
      expect(fake.callsTo('chat.update')).toHaveLength(0);
    });

    it('maps a card that is gone to chat.bad_request (message_not_found)', async () => {
      const error = await caught(surface.updateEscalation({ conversation: { surface: 'slack', channelId: ESCALATION_CHANNEL }, messageId: '1.000001' }, { reason: 'r', facts: {}, severity: 'info' }));
      expect(error).toMatchObject({ code: 'chat.bad_request', details: { slackError: 'message_not_found' } });
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
