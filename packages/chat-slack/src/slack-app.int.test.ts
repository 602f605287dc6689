import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@keyward/core';
import type { InboundAction, InboundHandlers, InboundMessage, RevealedSecret } from '@keyward/core';
import { createFixedClock, createRecordingLogger } from '@keyward/core/testing';
import type { RecordingLogger } from '@keyward/core/testing';
import {
  buildAppMentionEvent,
  buildBlockActionsPayload,
  buildChannelMessageEvent,
  buildDirectMessageEvent,
  buildMessageChangedEvent,
  buildUrlVerification,
  buildSlackFakeUser,
  buildViewSubmissionPayload,
  createSlackFake,
  deliverSlackRequest,
  newSlackTs,
  signSlackEvent,
  signSlackInteraction,
  signSlackRequest,
  SLACK_FAKE_IDS,
} from '@keyward/testkit';
import type { SlackFake, SlackSigningOptions } from '@keyward/testkit';
import type { App } from '@slack/bolt';
import { createSlackApp, SLACK_EVENTS_PATH } from './slack-app';
import { toSlackLogger } from './bolt-logger-adapter';
import { SlackHttpReceiver } from './slack-http-receiver';
import type { SlackApp } from './slack-app';
import { DM_ONLY_NOTICE, EDIT_NOTICE } from './slack-message-listener';
import { NOTE_BLOCK_ID, NOTE_INPUT_ACTION_ID, NOTE_MODAL_CALLBACK_ID } from './note-modal';
import { NOTE_MODAL_FAILED_NOTICE } from './slack-action-listener';
import { NOTE_FORM_EXPIRED, NOTE_FORM_NOT_YOURS, NOTE_NEEDED } from './slack-view-listener';

const SIGNING_SECRET = 'test-signing-secret-7f3a9c';
const SECRET_LINK = 'https://example.okta.com/reset_password/drpX8a7QpZ-ONE-TIME';

/** A fake at the port: records what the Slack surface hands to the core. */
function recordingHandlers(reveal: (a: InboundAction) => Promise<RevealedSecret>) {
  const messages: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  const reveals: InboundAction[] = [];
  const handlers: InboundHandlers = {
    onMessage: async (m) => {
      messages.push(m);
    },
    onAction: async (a) => {
      actions.push(a);
    },
    onRevealSecret: async (a) => {
      reveals.push(a);
      return reveal(a);
    },
  };
  return { handlers, messages, actions, reveals };
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('Slack app over HTTP (real Bolt HTTPReceiver, Slack Web API fake)', () => {
  let fake: SlackFake;
  let app: SlackApp;
  let server: Server;
  let url: string;
  let logger: RecordingLogger;
  let rec: ReturnType<typeof recordingHandlers>;
  let revealImpl: (a: InboundAction) => Promise<RevealedSecret>;
  const clock = createFixedClock('2025-01-06T09:00:00.000Z');
  const sign = (extra: Partial<SlackSigningOptions> = {}): SlackSigningOptions => ({ signingSecret: SIGNING_SECRET, ...extra });

  beforeEach(async () => {
    fake = await createSlackFake();
    logger = createRecordingLogger();
    revealImpl = async () => ({ title: 'Your password reset link', secret: SECRET_LINK, note: 'Opens once, expires in 1 hour.', isLink: true });
    rec = recordingHandlers((a) => revealImpl(a));
    app = createSlackApp({ botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, handlers: rec.handlers, logger, clock });
    const listener = app.requestListener;
    if (listener === undefined) throw new Error('HTTP mode must expose a request listener');
    // The product's own server: Slack at /slack/events, everything else served by the host.
    server = createServer((req, res) => {
      if (req.url === SLACK_EVENTS_PATH && req.method === 'POST') return listener(req, res);
      res.writeHead(req.url === '/healthz' ? 200 : 404).end(req.url === '/healthz' ? 'ok' : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
    await app.start();
  });

  afterEach(async () => {
    await app.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
  });

  /** Sends a valid DM and waits for it: everything sent before it has been through Bolt by then. */
  async function sentinel(): Promise<void> {
    const before = rec.messages.length;
    const res = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'sentinel' }), sign()));
    expect(res.status).toBe(200);
    await waitFor(() => rec.messages.length > before, 'sentinel message');
  }

  it('shares the host server: other paths stay the host’s, and auth.test ran at start', async () => {
    const health = await fetch(url.replace(SLACK_EVENTS_PATH, '/healthz'));
    expect(await health.text()).toBe('ok');
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('answers url_verification with the challenge', async () => {
    const res = await deliverSlackRequest(url, signSlackEvent(buildUrlVerification('chal-123'), sign()));
    expect(res.status).toBe(200);
    expect(res.body).toContain('chal-123');
  });

  it('hands a signed DM to onMessage once, with the verified ids from the envelope', async () => {
    const ts = newSlackTs();
    const envelope = buildDirectMessageEvent({ eventId: 'Ev0DM00001', text: 'I forgot my password', ts });
    const res = await deliverSlackRequest(url, signSlackEvent(envelope, sign()));
    expect(res.status).toBe(200);
    await waitFor(() => rec.messages.length === 1, 'onMessage');
    await sentinel();
    expect(rec.messages[0]).toEqual({
      eventId: 'slack:Ev0DM00001',
      conversation: { surface: 'slack', channelId: `D${SLACK_FAKE_IDS.alice.slice(1)}`, threadId: ts },
      chatUserId: SLACK_FAKE_IDS.alice,
      chatTeamId: SLACK_FAKE_IDS.homeTeamId,
      messageId: ts,
      text: 'I forgot my password',
      receivedAt: clock.now(),
    });
    expect(rec.messages.filter((m) => m.eventId === 'slack:Ev0DM00001')).toHaveLength(1);
  });

  it('reports the people a DM mentions (never the bot itself), so the core can refuse acting on them', async () => {
    const text = `<@${SLACK_FAKE_IDS.botUserId}> reset my password for <@U0BOBBY001|bob> and <@W0GRID0001>`;
    const envelope = buildDirectMessageEvent({ eventId: 'Ev0DMMENT1', text, ts: newSlackTs() });
    expect((await deliverSlackRequest(url, signSlackEvent(envelope, sign()))).status).toBe(200);
    await waitFor(() => rec.messages.some((m) => m.eventId === 'slack:Ev0DMMENT1'), 'onMessage');
    expect(rec.messages.find((m) => m.eventId === 'slack:Ev0DMMENT1')?.mentionedUserIds).toEqual(['U0BOBBY001', 'W0GRID0001']);
  });

  it('keeps the thread root of a threaded DM and the sender’s own team for Slack Connect users', async () => {
    const threadTs = newSlackTs();
    const envelope = buildDirectMessageEvent({
      user: SLACK_FAKE_IDS.partner,
      userTeam: SLACK_FAKE_IDS.partnerTeamId,
      text: 'unlock me',
      threadTs,
    });
    await deliverSlackRequest(url, signSlackEvent(envelope, sign()));
    await waitFor(() => rec.messages.length === 1, 'onMessage');
    expect(rec.messages[0]?.conversation.threadId).toBe(threadTs);
    expect(rec.messages[0]?.chatTeamId).toBe(SLACK_FAKE_IDS.partnerTeamId);
  });

  it('passes a redelivery (X-Slack-Retry-Num) on with the same eventId and acks it at once', async () => {
    const envelope = buildDirectMessageEvent({ eventId: 'Ev0RETRY001', text: 'reset my password' });
    await deliverSlackRequest(url, signSlackEvent(envelope, sign()));
    const started = Date.now();
    const retry = await deliverSlackRequest(url, signSlackEvent(envelope, sign({ retryNum: 1, retryReason: 'http_timeout' })));
    expect(retry.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor(() => rec.messages.length === 2, 'both deliveries');
    expect(rec.messages.map((m) => m.eventId)).toEqual(['slack:Ev0RETRY001', 'slack:Ev0RETRY001']);
  });

  describe('rejects unauthenticated requests with 401 and never calls a handler (F18)', () => {
    const cases: Array<[string, Partial<SlackSigningOptions>]> = [
      ['a wrong signature', { signatureOverride: 'v0=' + '0'.repeat(64) }],
      ['a signature made with another secret', { signingSecret: 'not-our-secret' }],
      ['no signature header', { signatureOverride: null }],
      ['no timestamp header', { timestampOverride: null }],
      ['a valid signature over a timestamp 6 minutes old (replay)', { timestamp: nowSeconds() - 6 * 60 }],
    ];
    it.each(cases)('%s', async (_name, override) => {
      const envelope = buildDirectMessageEvent({ text: 'reset my password' });
      const res = await deliverSlackRequest(url, signSlackEvent(envelope, { ...sign(), ...override }));
      expect(res.status).toBe(401);
      const click = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.choose', value: 'approve:r1' });
      const clickRes = await deliverSlackRequest(url, signSlackInteraction(click, { ...sign(), ...override }));
      expect(clickRes.status).toBe(401);
      await sentinel();
      expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
      expect(rec.actions).toHaveLength(0);
    });

    it('a body altered after signing', async () => {
      const signed = signSlackEvent(buildDirectMessageEvent({ text: 'add me to design-team' }), sign());
      const res = await deliverSlackRequest(url, { ...signed, body: signed.body.replace('design-team', 'domain-admins') });
      expect(res.status).toBe(401);
      await sentinel();
      expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
    });
  });

  describe('refuses a validly signed body Bolt cannot route with 400, and keeps serving', () => {
    const FORM = 'application/x-www-form-urlencoded';
    const form = (payload: string): string => new URLSearchParams({ payload }).toString();
    const cases: Array<[string, string, string]> = [
      ['JSON null (crashed the process inside Bolt)', 'application/json', 'null'],
      ['form payload=null (crashed the process inside Bolt)', FORM, form('null')],
      ['a JSON array', 'application/json', '[]'],
      ['a JSON string', 'application/json', '"x"'],
      ['an object without a type', 'application/json', '{}'],
      ['not JSON at all', 'application/json', '{'],
      ['event_callback with event null', 'application/json', '{"type":"event_callback","event":null}'],
      ['event_callback without an event', 'application/json', '{"type":"event_callback"}'],
      ['url_verification without a challenge', 'application/json', '{"type":"url_verification"}'],
      ['a form without payload', FORM, 'token=x&team_id=T1'],
      ['view_submission without a view', FORM, form(`{"type":"view_submission","user":{"id":"${SLACK_FAKE_IDS.alice}"}}`)],
      ['view_closed without a view', FORM, form(`{"type":"view_closed","user":{"id":"${SLACK_FAKE_IDS.alice}"}}`)],
      ['block_actions with actions null', FORM, form(`{"type":"block_actions","user":{"id":"${SLACK_FAKE_IDS.alice}"},"actions":null}`)],
      ['block_actions without a user', FORM, form('{"type":"block_actions","actions":[{"action_id":"keyward.choose","value":"approve:r1"}]}')],
      ['a shortcut without a user', FORM, form('{"type":"shortcut","callback_id":"x"}')],
    ];
    it.each(cases)('%s', async (_name, contentType, body) => {
      const res = await deliverSlackRequest(url, signSlackRequest(body, contentType, sign()));
      expect(res.status).toBe(400);
      expect(res.body).toBe('');
      await sentinel();
      expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
      expect(rec.actions).toHaveLength(0);
      expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
      expect(logger.allText()).toContain('malformed body');
      expect(logger.entries().filter((e) => e.level === 'error')).toEqual([]);
    });

    it('answers an unsigned ssl_check with 200 and does nothing else', async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': FORM }, body: 'ssl_check=1&token=x' });
      expect(res.status).toBe(200);
      await sentinel();
      expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
    });
  });

  describe('enforces the 5-minute timestamp window in both directions (Slack: |now − timestamp| > 5 min → reject)', () => {
    it.each([
      ['20 hours ahead', 20 * 3600],
      ['6 minutes ahead', 6 * 60],
      ['6 minutes old', -6 * 60],
    ])('refuses a correctly signed DM and click with a timestamp %s', async (_name, offset) => {
      const dm = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'reset my password' }), sign({ timestamp: nowSeconds() + offset })));
      expect(dm.status).toBe(401);
      const click = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.choose', value: 'approve:r1' });
      expect((await deliverSlackRequest(url, signSlackInteraction(click, sign({ timestamp: nowSeconds() + offset })))).status).toBe(401);
      await sentinel();
      expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
      expect(rec.actions).toHaveLength(0);
    });

    it.each([
      ['4 minutes ahead (clock skew)', 4 * 60],
      ['4 minutes old', -4 * 60],
    ])('accepts one with a timestamp %s', async (_name, offset) => {
      const res = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'inside the window' }), sign({ timestamp: nowSeconds() + offset })));
      expect(res.status).toBe(200);
      await waitFor(() => rec.messages.length === 1, 'onMessage');
    });
  });

  it('never re-runs an edited message (F01): posts a notice in the thread instead', async () => {
    const ts = newSlackTs();
    await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'add me to group-A', ts }), sign()));
    await waitFor(() => rec.messages.length === 1, 'original message');
    const edit = buildMessageChangedEvent({ originalTs: ts, previousText: 'add me to group-A', newText: 'add me to group-B' });
    expect((await deliverSlackRequest(url, signSlackEvent(edit, sign()))).status).toBe(200);
    const [notice] = await fake.waitForCalls('chat.postMessage');
    expect(notice?.body['thread_ts']).toBe(ts);
    expect(notice?.body['channel']).toBe(`D${SLACK_FAKE_IDS.alice.slice(1)}`);
    expect(notice?.body['text']).toContain("edits don't change a request");
    expect(JSON.stringify(notice?.body['blocks'])).toContain("I saw you edited your message");
    expect(notice?.response['ok']).toBe(true);
    // A redelivery of the same edit does not post a second notice.
    await deliverSlackRequest(url, signSlackEvent(edit, sign({ retryNum: 1 })));
    await sentinel();
    expect(rec.messages.map((m) => m.text)).toEqual(['add me to group-A', 'sentinel']);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(EDIT_NOTICE).toMatch(/^I saw you edited your message/);
  });

  it('stays silent for message_changed caused by our own chat.update or by a link unfurl', async () => {
    const ours = buildMessageChangedEvent({
      user: SLACK_FAKE_IDS.botUserId,
      botId: SLACK_FAKE_IDS.botId,
      originalTs: newSlackTs(),
      previousText: 'Waiting for approval',
      newText: 'Approved',
    });
    const unfurl = buildMessageChangedEvent({ originalTs: newSlackTs(), previousText: 'see https://x.test', newText: 'see https://x.test', edited: false });
    await deliverSlackRequest(url, signSlackEvent(ours, sign()));
    await deliverSlackRequest(url, signSlackEvent(unfurl, sign()));
    await sentinel();
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
  });

  it('ignores bot messages, our own messages, other subtypes and channel messages', async () => {
    const events = [
      buildDirectMessageEvent({ text: 'from a bot', user: SLACK_FAKE_IDS.otherBot, botId: SLACK_FAKE_IDS.otherBotId }),
      buildDirectMessageEvent({ text: 'legacy bot', subtype: 'bot_message', botId: SLACK_FAKE_IDS.otherBotId }),
      buildDirectMessageEvent({ text: 'our own post', user: SLACK_FAKE_IDS.botUserId }),
      buildDirectMessageEvent({ text: 'a file', subtype: 'file_share' }),
      buildChannelMessageEvent({ channel: 'C0GENERAL1', text: 'reset my password' }),
    ];
    for (const envelope of events) {
      expect((await deliverSlackRequest(url, signSlackEvent(envelope, sign()))).status).toBe(200);
    }
    await sentinel();
    expect(rec.messages.map((m) => m.text)).toEqual(['sentinel']);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers an app_mention in a channel with "DM me", in its thread', async () => {
    const ts = newSlackTs();
    await deliverSlackRequest(url, signSlackEvent(buildAppMentionEvent({ channel: 'C0GENERAL1', text: `<@${SLACK_FAKE_IDS.botUserId}> reset my password`, ts }), sign()));
    const [reply] = await fake.waitForCalls('chat.postMessage');
    expect(reply?.body).toMatchObject({ channel: 'C0GENERAL1', thread_ts: ts });
    expect(JSON.stringify(reply?.body['blocks'])).toContain(DM_ONLY_NOTICE.slice(0, 20));
    expect(rec.messages).toHaveLength(0);
  });

  it('routes a keyward.* button click to onAction with the clicker’s verified ids', async () => {
    const messageTs = newSlackTs();
    const threadTs = newSlackTs();
    const payload = buildBlockActionsPayload({
      triggerId: fake.issueTriggerId(),
      actionId: 'keyward.choose#2',
      value: 'approve:req-42',
      user: SLACK_FAKE_IDS.alice,
      messageTs,
      threadTs,
      actionTs: '1736154000.123456',
    });
    const res = await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
    expect(res.status).toBe(200);
    await waitFor(() => rec.actions.length === 1, 'onAction');
    expect(rec.actions[0]).toEqual({
      eventId: `slack:action:${SLACK_FAKE_IDS.alice}:1736154000.123456`,
      conversation: { surface: 'slack', channelId: `D${SLACK_FAKE_IDS.alice.slice(1)}`, threadId: threadTs },
      chatUserId: SLACK_FAKE_IDS.alice,
      chatTeamId: SLACK_FAKE_IDS.homeTeamId,
      actionId: 'keyward.choose',
      value: 'approve:req-42',
      messageId: messageTs,
      receivedAt: clock.now(),
    });
  });

  it('acks but does not route keyward.* ids it never rendered', async () => {
    const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.approve_everything', value: 'x' });
    expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign()))).status).toBe(200);
    await sentinel();
    expect(rec.actions).toHaveLength(0);
  });

  it('reveals a secret only inside views.open: never via chat.postMessage / chat.update, never in logs', async () => {
    const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.reveal_secret', value: 'secret:req-7' });
    const res = await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
    expect(res.status).toBe(200);
    const [open] = await fake.waitForCalls('views.open');
    expect(rec.reveals).toHaveLength(1);
    expect(rec.reveals[0]?.value).toBe('secret:req-7');
    expect(rec.actions).toHaveLength(0);
    // The modal is opened with the click's own trigger_id and carries the secret.
    expect(open?.body['trigger_id']).toBe(payload['trigger_id']);
    expect(open?.response['ok']).toBe(true);
    expect(JSON.stringify(open?.body['view'])).toContain(SECRET_LINK);
    for (const call of fake.calls.filter((c) => c.method !== 'views.open')) {
      expect(JSON.stringify(call.body)).not.toContain(SECRET_LINK);
    }
    expect(logger.allText()).not.toContain(SECRET_LINK);
  });

  it('shows the AppError sentence in the modal when the secret cannot be revealed', async () => {
    revealImpl = async () => {
      throw new AppError('secret.not_found', 'This link was already shown or has expired. Ask again for a new one.');
    };
    const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.reveal_secret', value: 'secret:req-8' });
    await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
    const [open] = await fake.waitForCalls('views.open');
    expect(JSON.stringify(open?.body['view'])).toContain('already shown or has expired');
  });

  it('hides internal error text behind a generic sentence', async () => {
    revealImpl = async () => {
      throw new Error('connection refused to 10.0.0.7:5432');
    };
    const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.reveal_secret', value: 'secret:req-9' });
    await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
    const [open] = await fake.waitForCalls('views.open');
    const view = JSON.stringify(open?.body['view']);
    expect(view).not.toContain('10.0.0.7');
    expect(view).toContain("couldn't show this secret");
  });

  it('tells the user in the thread, without the secret, when Slack refuses the modal (expired trigger_id)', async () => {
    fake.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
    const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.reveal_secret', value: 'secret:req-10' });
    expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign()))).status).toBe(200);
    const [notice] = await fake.waitForCalls('chat.postMessage');
    expect(String(notice?.body['text'])).toContain('reset my password');
    for (const call of fake.calls.filter((c) => c.method !== 'views.open')) expect(JSON.stringify(call.body)).not.toContain(SECRET_LINK);
    expect(logger.allText()).not.toContain(SECRET_LINK);
  });
  describe('approvals and helpdesk cases', () => {
    const HANK = 'U0HANK0001';
    const HELPDESK = 'C0HELPDESK';
    beforeEach(() => {
      fake.users.set(HANK, buildSlackFakeUser(HANK, 'hank', 'hank@example.com'));
    });

    it('routes an Approve click straight to onAction with the `requestId|approvalId` value', async () => {
      const messageTs = newSlackTs();
      const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.approve', value: 'req-1|apr-1', messageTs, actionTs: '1736154000.000777' });
      expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign()))).status).toBe(200);
      await waitFor(() => rec.actions.length === 1, 'onAction');
      expect(rec.actions[0]).toMatchObject({ actionId: 'keyward.approve', value: 'req-1|apr-1', messageId: messageTs, chatUserId: SLACK_FAKE_IDS.alice });
      expect(rec.actions[0]?.note).toBeUndefined();
      expect(fake.callsTo('views.open')).toHaveLength(0);
    });

    it('routes Take straight to onAction (no note needed)', async () => {
      const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.case_take', value: 'req-7', user: HANK, channel: HELPDESK });
      await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
      await waitFor(() => rec.actions.length === 1, 'onAction');
      expect(rec.actions[0]).toMatchObject({ actionId: 'keyward.case_take', value: 'req-7', chatUserId: HANK, conversation: { channelId: HELPDESK } });
    });

    /** Clicks a note button and returns the modal Slack opened for it. */
    async function clickForNote(options: { actionId: string; value: string; user?: string; channel?: string; threadTs?: string; messageTs?: string }) {
      const before = fake.callsTo('views.open').length;
      const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), ...options });
      expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign()))).status).toBe(200);
      const opens = await fake.waitForCalls('views.open', before + 1);
      const open = opens[before];
      expect(open?.response['ok']).toBe(true);
      expect(open?.body['trigger_id']).toBe(payload['trigger_id']);
      const id = String((open?.response['view'] as Record<string, unknown>)['id']);
      const view = fake.views.get(id);
      if (view === undefined) throw new Error('the fake did not keep the view');
      return view;
    }

    const submit = (view: { id: string; hash: string; view: Record<string, unknown> }, note: string | null, user: string = HANK) =>
      deliverSlackRequest(url, signSlackInteraction(buildViewSubmissionPayload({ view, user, values: { [NOTE_BLOCK_ID]: { [NOTE_INPUT_ACTION_ID]: note } } }), sign()));

    it('opens a note modal for Resolve; the submission reaches onAction once, with the note and the card’s context, even when redelivered', async () => {
      const messageTs = newSlackTs();
      const view = await clickForNote({ actionId: 'keyward.case_resolve', value: 'req-7', user: HANK, channel: HELPDESK, messageTs });
      // The click alone tells the core nothing: it waits for the note.
      expect(rec.actions).toHaveLength(0);
      expect(view.view).toMatchObject({ type: 'modal', callback_id: NOTE_MODAL_CALLBACK_ID, submit: { text: 'Resolve' } });
      expect(JSON.stringify(view.view['blocks'])).toContain('"optional":false');

      const note = 'Reset done by phone after ID check <!channel>';
      const first = await submit(view, note);
      expect(first.status).toBe(200);
      expect(first.body).toBe('');
      await waitFor(() => rec.actions.length === 1, 'onAction');
      // Slack redelivers / the user presses Submit again: same view id.
      expect((await submit(view, note)).status).toBe(200);
      await sentinel();
      expect(rec.actions).toEqual([
        {
          eventId: `slack:view:${view.id}`,
          conversation: { surface: 'slack', channelId: HELPDESK, threadId: messageTs },
          chatUserId: HANK,
          chatTeamId: SLACK_FAKE_IDS.homeTeamId,
          actionId: 'keyward.case_resolve',
          value: 'req-7',
          messageId: messageTs,
          note,
          receivedAt: clock.now(),
        },
      ]);
    });

    it('keeps the thread of an approval card posted in a thread', async () => {
      const threadTs = newSlackTs();
      const view = await clickForNote({ actionId: 'keyward.case_reject', value: 'req-8', user: HANK, channel: HELPDESK, threadTs });
      await submit(view, 'Not allowed by policy');
      await waitFor(() => rec.actions.length === 1, 'onAction');
      expect(rec.actions[0]?.conversation.threadId).toBe(threadTs);
      expect(rec.actions[0]?.note).toBe('Not allowed by policy');
    });

    it('lets Deny go through without a note (optional), and trims one that is given', async () => {
      const view = await clickForNote({ actionId: 'keyward.deny', value: 'req-1|apr-1' });
      expect(JSON.stringify(view.view['blocks'])).toContain('"optional":true');
      expect((await submit(view, null, SLACK_FAKE_IDS.alice)).status).toBe(200);
      await waitFor(() => rec.actions.length === 1, 'onAction');
      expect(rec.actions[0]).toMatchObject({ actionId: 'keyward.deny', value: 'req-1|apr-1', eventId: `slack:view:${view.id}` });
      expect('note' in (rec.actions[0] ?? {})).toBe(false);

      const second = await clickForNote({ actionId: 'keyward.deny', value: 'req-2|apr-2' });
      await submit(second, '  not this quarter  ', SLACK_FAKE_IDS.alice);
      await waitFor(() => rec.actions.length === 2, 'second onAction');
      expect(rec.actions[1]?.note).toBe('not this quarter');
    });

    it('keeps the Resolve modal open with an error when the note is blank', async () => {
      const view = await clickForNote({ actionId: 'keyward.case_resolve', value: 'req-7', user: HANK, channel: HELPDESK });
      const res = await submit(view, '   ');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: NOTE_NEEDED } });
      // Fixed and sent again: now it goes through (the refused attempt did not use up the view).
      await submit(view, 'Done');
      await waitFor(() => rec.actions.length === 1, 'onAction');
      expect(rec.actions[0]?.note).toBe('Done');
    });

    it('refuses a submission by anyone but the user who clicked', async () => {
      const view = await clickForNote({ actionId: 'keyward.case_reject', value: 'req-7', user: HANK, channel: HELPDESK });
      const res = await submit(view, 'rejected by someone else', SLACK_FAKE_IDS.alice);
      expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: NOTE_FORM_NOT_YOURS } });
      await sentinel();
      expect(rec.actions).toHaveLength(0);
      expect(logger.allText()).toContain('someone other than the clicker');
    });

    it('refuses a submission whose private_metadata is not ours', async () => {
      const view = await clickForNote({ actionId: 'keyward.case_resolve', value: 'req-7', user: HANK, channel: HELPDESK });
      const forged = { ...view, view: { ...view.view, private_metadata: JSON.stringify({ v: 1, a: 'keyward.approve', val: 'req-7', u: HANK, c: HELPDESK }) } };
      const res = await submit(forged, 'x');
      expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: NOTE_FORM_EXPIRED } });
      await sentinel();
      expect(rec.actions).toHaveLength(0);
    });

    it('passes a submission again after the first attempt failed in the core', async () => {
      let failures = 1;
      const inner = rec.handlers.onAction;
      rec.handlers.onAction = async (a) => {
        if (failures-- > 0) throw new Error('store unavailable');
        await inner(a);
      };
      const view = await clickForNote({ actionId: 'keyward.case_resolve', value: 'req-7', user: HANK, channel: HELPDESK });
      await submit(view, 'Done');
      await waitFor(() => logger.allText().includes('onAction failed for a note submission'), 'the failure');
      await submit(view, 'Done');
      await waitFor(() => rec.actions.length === 1, 'onAction on the retry');
      expect(rec.actions[0]?.eventId).toBe(`slack:view:${view.id}`);
    });

    it('rejects an unsigned or stale submission with 401 (F18)', async () => {
      const view = await clickForNote({ actionId: 'keyward.case_resolve', value: 'req-7', user: HANK, channel: HELPDESK });
      const payload = buildViewSubmissionPayload({ view, user: HANK, values: { [NOTE_BLOCK_ID]: { [NOTE_INPUT_ACTION_ID]: 'x' } } });
      expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign({ signatureOverride: null })))).status).toBe(401);
      expect((await deliverSlackRequest(url, signSlackInteraction(payload, sign({ timestamp: nowSeconds() - 6 * 60 })))).status).toBe(401);
      await sentinel();
      expect(rec.actions).toHaveLength(0);
    });

    it('tells only the clicker (ephemeral) when the note modal cannot be opened, and tells the core nothing', async () => {
      fake.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
      const payload = buildBlockActionsPayload({ triggerId: fake.issueTriggerId(), actionId: 'keyward.case_reject', value: 'req-7', user: HANK, channel: HELPDESK });
      await deliverSlackRequest(url, signSlackInteraction(payload, sign()));
      const [notice] = await fake.waitForCalls('chat.postEphemeral');
      expect(notice?.body).toMatchObject({ channel: HELPDESK, user: HANK, text: NOTE_MODAL_FAILED_NOTICE });
      expect(notice?.response['ok']).toBe(true);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
      await sentinel();
      expect(rec.actions).toHaveLength(0);
    });
  });
});

describe('Slack app lifecycle', () => {
  it('answers 503 until started, so no event reaches an uninitialised Bolt app', async () => {
    const fake = await createSlackFake();
    const rec = recordingHandlers(async () => ({ title: 't', secret: 's', note: 'n', isLink: false }));
    const app = createSlackApp({ botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, handlers: rec.handlers, logger: createRecordingLogger() });
    const server = createServer((req, res) => app.requestListener?.(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
      const res = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'hi' }), { signingSecret: SIGNING_SECRET }));
      expect(res.status).toBe(503);
      await app.start();
      const ok = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'hi' }), { signingSecret: SIGNING_SECRET }));
      expect(ok.status).toBe(200);
      const notOurs = await fetch(url.replace(SLACK_EVENTS_PATH, '/elsewhere'), { method: 'POST' });
      expect(notOurs.status).toBe(404);
    } finally {
      await app.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    }
  });

  it('fails start() with the Slack error when the bot token is wrong', async () => {
    const fake = await createSlackFake();
    const rec = recordingHandlers(async () => ({ title: 't', secret: 's', note: 'n', isLink: false }));
    const app = createSlackApp({ botToken: 'xoxb-wrong', signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, handlers: rec.handlers, logger: createRecordingLogger() });
    try {
      await expect(app.start()).rejects.toThrow(/invalid_auth/);
    } finally {
      await fake.close();
    }
  });
});

describe('Slack HTTP receiver containment', () => {
  it('turns an exception while Bolt processes an event into a 500 and one error line, and keeps serving', async () => {
    const logger = createRecordingLogger();
    const receiver = new SlackHttpReceiver({ signingSecret: SIGNING_SECRET, path: SLACK_EVENTS_PATH, logger, slackLogger: toSlackLogger(logger) });
    let calls = 0;
    const app = {
      processEvent: async (): Promise<void> => {
        calls += 1;
        throw new Error('listener exploded');
      },
    };
    receiver.init(app as unknown as App);
    const server = createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
      const first = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'hi' }), { signingSecret: SIGNING_SECRET }));
      expect(first.status).toBe(500);
      const second = await deliverSlackRequest(url, signSlackEvent(buildDirectMessageEvent({ text: 'again' }), { signingSecret: SIGNING_SECRET }));
      expect(second.status).toBe(500);
      expect(calls).toBe(2);
      const errors = logger.entries().filter((e) => e.level === 'error');
      expect(errors.map((e) => e.msg)).toEqual(['slack event processing failed', 'slack event processing failed']);
      expect(logger.allText()).not.toContain('"hi"');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('Slack app in Socket Mode', () => {
  it('asks the configured Web API (not slack.com) for the socket URL, with the app token, and exposes no listener', async () => {
    const fake = await createSlackFake();
    const rec = recordingHandlers(async () => ({ title: 't', secret: 's', note: 'n', isLink: false }));
    const app = createSlackApp({
      botToken: fake.botToken,
      appToken: 'xapp-1-A0KEYWARD1-test',
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      handlers: rec.handlers,
      logger: createRecordingLogger(),
    });
    try {
      expect(app.requestListener).toBeUndefined();
      // The fake does not speak the socket protocol; reaching it with the app token proves the wiring.
      await expect(app.start()).rejects.toThrow(/invalid_auth/);
      const [open] = fake.callsTo('apps.connections.open');
      expect(open?.token).toBe('xapp-1-A0KEYWARD1-test');
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
