import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, CHAT_ACTIONS } from '@keyward/core';
import type { ChatSurface, InboundAction, InboundHandlers, InboundMessage, RevealedSecret } from '@keyward/core';
import { createRecordingLogger } from '@keyward/core/testing';
import type { RecordingLogger } from '@keyward/core/testing';
import { createBotConnectorFake, teamsCardActionActivity, teamsMessageActivity } from '@keyward/testkit';
import type { BotConnectorFake, TeamsActivity, TeamsActivityContext, TeamsMember } from '@keyward/testkit';
import { ADAPTIVE_CARD_CONTENT_TYPE, NOTE_INPUT_ID } from './adaptive-card-renderer';
import { createCloudAdapter } from './bot-adapter';
import { DM_ONLY_NOTICE, TEAMS_MESSAGES_PATH, createTeamsBot, looksLikeBotFrameworkToken } from './teams-bot';
import type { TeamsBot } from './teams-bot';
import { createTeamsSurface } from './teams-surface';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TENANT = '0c0c0c0c-0000-4000-8000-00000000beef';
const TEMP_PASSWORD = 'Tmp-7xQ!k2-ONCE';

const ALICE: TeamsMember = { id: '29:alice', aadObjectId: 'aaaaaaaa-1111-4111-8111-111111111111', name: 'Alice Ng', userPrincipalName: 'alice@contoso.test', email: 'alice@contoso.test', tenantId: TENANT };
const MANAGER: TeamsMember = { id: '29:dana', aadObjectId: 'dddddddd-2222-4222-8222-222222222222', name: 'Dana Manager', userPrincipalName: 'dana@contoso.test', tenantId: TENANT };
const GUEST: TeamsMember = { id: '29:guest', aadObjectId: 'eeeeeeee-3333-4333-8333-333333333333', name: 'Pat Partner', userPrincipalName: 'pat_partner.test#EXT#@contoso.onmicrosoft.com', tenantId: TENANT, userRole: 'guest' };

function recordingHandlers(reveal: (a: InboundAction) => Promise<RevealedSecret>) {
  const messages: InboundMessage[] = [];
  const actions: InboundAction[] = [];
  const reveals: InboundAction[] = [];
  const handlers: InboundHandlers = {
    onMessage: async (m) => void messages.push(m),
    onAction: async (a) => void actions.push(a),
    onRevealSecret: async (a) => {
      reveals.push(a);
      return reveal(a);
    },
  };
  return { handlers, messages, actions, reveals };
}

interface Harness {
  connector: BotConnectorFake;
  bot: TeamsBot;
  surface: ChatSurface;
  url: string;
  server: Server;
  rec: ReturnType<typeof recordingHandlers>;
  logger: RecordingLogger;
  ctx(member: TeamsMember, extra?: Partial<TeamsActivityContext>): TeamsActivityContext;
  deliver(activity: TeamsActivity, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** POSTs `body` exactly as given (not an activity: null, [], "x"…). */
  deliverRaw(body: string, headers?: Record<string, string>): Promise<number>;
}

async function startHarness(options: { appId?: string; secretVisibleMs?: number; reveal?: (a: InboundAction) => Promise<RevealedSecret> } = {}): Promise<Harness> {
  const connector = await createBotConnectorFake();
  for (const member of [ALICE, MANAGER, GUEST]) connector.addMember(member);
  const rec = recordingHandlers(options.reveal ?? (async () => ({ title: 'Your temporary password', secret: TEMP_PASSWORD, note: 'Shown once.', isLink: false })));
  const logger = createRecordingLogger();
  const credentials = { tenantId: TENANT, ...(options.appId ? { appId: options.appId, appPassword: 'not-used-offline' } : {}) };
  const adapter = createCloudAdapter(credentials);
  const bot = createTeamsBot({ ...credentials, adapter, handlers: rec.handlers, logger, ...(options.secretVisibleMs ? { secretVisibleMs: options.secretVisibleMs } : {}) });
  const surface = createTeamsSurface({ ...credentials, adapter, serviceUrl: connector.url, escalation: { conversationId: '19:helpdesk@thread.tacv2' }, logger });
  const server = createServer((req, res) => {
    void bot.handle(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    connector,
    bot,
    surface,
    url,
    server,
    rec,
    logger,
    ctx: (member, extra = {}) => ({ serviceUrl: connector.url, from: member, tenantId: member.tenantId, ...extra }),
    async deliver(activity, headers = {}) {
      const response = await fetch(`${url}${TEAMS_MESSAGES_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
    async deliverRaw(body, headers = {}) {
      // A bounded wait: a handler that throws leaves the request unanswered on this bare server.
      const response = await fetch(`${url}${TEAMS_MESSAGES_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

/** Bodies CloudAdapter cannot take as an activity (it needs an object with a string `type`). */
const NOT_ACTIVITIES: Array<[string, string]> = [
  ['null', 'null'],
  ['an array', '[]'],
  ['an empty object', '{}'],
  ['a JSON string', '"x"'],
  ['a numeric type', '{"type":5,"channelId":"msteams"}'],
  ['not JSON', '{"type":'],
];

async function stopHarness(h: Harness): Promise<void> {
  await h.bot.close();
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
  await h.connector.close();
}

describe('Teams bot on CloudAdapter (emulator mode) against the connector fake', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ secretVisibleMs: 200 });
  });
  afterEach(async () => stopHarness(h));

  it('hands a personal-chat message to onMessage once per delivery, with the Teams activity id as eventId and aadObjectId as user', async () => {
    const activity = teamsMessageActivity(h.ctx(ALICE), 'I forgot my password');
    const first = await h.deliver(activity);
    const redelivery = await h.deliver(activity);
    expect(first.status).toBe(200);
    expect(redelivery.status).toBe(200);
    expect(h.rec.messages).toHaveLength(2);
    const [m1, m2] = h.rec.messages;
    // Same eventId both times: the core's durable dedup keeps it a single request (F03).
    expect(m1?.eventId).toBe(`teams:${String(activity['id'])}`);
    expect(m2?.eventId).toBe(m1?.eventId);
    expect(m1).toMatchObject({ chatUserId: ALICE.aadObjectId, chatTeamId: TENANT, text: 'I forgot my password', messageId: activity['id'] });
    expect(m1?.conversation).toMatchObject({ surface: 'teams', channelId: `a:personal-${ALICE.aadObjectId}`, extra: { serviceUrl: h.connector.url, tenantId: TENANT, conversationType: 'personal' } });
    // Nothing is posted from inside the turn: replies come from the worker.
    expect(h.connector.writes()).toHaveLength(0);
  });

  it('reports the people a message mentions by Entra object id, leaving out the bot and the sender', async () => {
    const activity = teamsMessageActivity(h.ctx(ALICE), '<at>Keyward</at> reset the password of <at>Dana Manager</at>');
    const bot = activity['recipient'] as { id: string };
    activity['entities'] = [
      { type: 'mention', text: '<at>Keyward</at>', mentioned: { id: bot.id, name: 'Keyward' } },
      { type: 'mention', text: '<at>Dana Manager</at>', mentioned: { id: MANAGER.id, name: MANAGER.name, aadObjectId: MANAGER.aadObjectId } },
      { type: 'mention', text: '<at>Alice Ng</at>', mentioned: { id: ALICE.id, name: ALICE.name } },
    ];
    await h.deliver(activity);
    expect(h.rec.messages[0]).toMatchObject({ text: 'reset the password of <at>Dana Manager</at>', mentionedUserIds: [MANAGER.aadObjectId] });
  });

  it('counts an <at> tag without a mention entity by its name', async () => {
    await h.deliver(teamsMessageActivity(h.ctx(ALICE), 'reset password for <at>Bob Tester</at>'));
    expect(h.rec.messages[0]?.mentionedUserIds).toEqual(['mention:Bob Tester']);
  });

  it('does not take requests in a channel: one notice per activity, no onMessage', async () => {
    const activity = teamsMessageActivity(h.ctx(ALICE, { conversationType: 'channel', conversationId: '19:general@thread.tacv2' }), 'reset my password');
    await h.deliver(activity);
    await h.deliver(activity);
    expect(h.rec.messages).toHaveLength(0);
    const notices = h.connector.activities('19:general@thread.tacv2');
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0]?.activity)).toContain('personal chat');
    expect(DM_ONLY_NOTICE).toContain('personal chat');
  });

  it('Action.Execute approve → onAction once, and the invoke response is the adaptive-card envelope with a final card (F04)', async () => {
    const card = teamsCardActionActivity(h.ctx(MANAGER), { verb: CHAT_ACTIONS.approve, data: { value: 'rq_1|ap_1' }, replyToId: '1:card' });
    const response = await h.deliver(card);
    expect(response.status).toBe(200);
    const body = response.body as { statusCode: number; type: string; value: { type: string; body: unknown[]; actions?: unknown[] } };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    expect(body.value.type).toBe('AdaptiveCard');
    // No buttons left on the clicker's card, and it says who clicked.
    expect(body.value.actions).toBeUndefined();
    expect(JSON.stringify(body.value)).toContain('Dana Manager');
    expect(h.rec.actions).toEqual([
      expect.objectContaining({ eventId: `teams:${String(card['id'])}`, actionId: CHAT_ACTIONS.approve, value: 'rq_1|ap_1', chatUserId: MANAGER.aadObjectId, chatTeamId: TENANT, messageId: '1:card' }),
    ]);
    // A redelivered invoke (slow answer, F03) gets the same card back and the same eventId.
    const again = await h.deliver(card);
    expect(again.body).toEqual(response.body);
    expect(h.rec.actions[1]?.eventId).toBe(h.rec.actions[0]?.eventId);
  });

  it('opening a card 5 times (automatic refresh invokes) causes no handler call and no connector write (F04)', async () => {
    for (let i = 0; i < 5; i += 1) {
      const refresh = teamsCardActionActivity(h.ctx(MANAGER), { verb: CHAT_ACTIONS.approve, data: { value: 'rq_1|ap_1' }, replyToId: '1:card', trigger: 'automatic' });
      const response = await h.deliver(refresh);
      expect(response.status).toBe(200);
      expect((response.body as { type: string }).type).not.toBe('application/vnd.microsoft.error');
    }
    expect(h.rec.actions).toHaveLength(0);
    expect(h.rec.reveals).toHaveLength(0);
    expect(h.connector.writes()).toHaveLength(0);
  });

  it('Deny carries the note typed in the card; Resolve without a note is refused without reaching the core', async () => {
    await h.deliver(teamsCardActionActivity(h.ctx(MANAGER), { verb: CHAT_ACTIONS.deny, data: { value: 'rq_1|ap_1', [NOTE_INPUT_ID]: '  not during the freeze  ' } }));
    expect(h.rec.actions[0]).toMatchObject({ actionId: CHAT_ACTIONS.deny, note: 'not during the freeze' });
    const refused = await h.deliver(teamsCardActionActivity(h.ctx(MANAGER), { verb: CHAT_ACTIONS.caseResolve, data: { value: 'rq_1' } }));
    expect(refused.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(h.rec.actions).toHaveLength(1);
  });

  it('reveal_secret: the secret is only in the invoke response, never posted; the card is replaced by "shown once"', async () => {
    const click = teamsCardActionActivity(h.ctx(ALICE), { verb: CHAT_ACTIONS.revealSecret, data: { value: 'rq_9' }, replyToId: '1:reveal-card' });
    // The card being clicked exists in the fake (posted earlier by the worker).
    const conversation = `a:personal-${ALICE.aadObjectId}`;
    const postedId = await h.surface.post({ surface: 'teams', channelId: conversation, extra: { serviceUrl: h.connector.url, tenantId: TENANT, conversationType: 'personal' } }, { text: 'Your password was reset.', buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: 'rq_9', label: 'Show my temporary password' }] });
    click['replyToId'] = postedId;
    const response = await h.deliver(click);
    expect(h.rec.reveals).toHaveLength(1);
    // Verbatim (a TextRun, no Markdown escapes): the user types exactly what the card shows.
    const runs = ((response.body as { value: { body: { type: string; inlines?: { type: string; text: string }[] }[] } }).value.body).flatMap((e) => e.inlines ?? []);
    expect(runs).toEqual([expect.objectContaining({ type: 'TextRun', text: TEMP_PASSWORD })]);
    // Wait for the scheduled replacement, then check no connector call ever carried the secret.
    const deadline = Date.now() + 3000;
    while (!h.connector.calls.some((c) => c.method === 'PUT') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const put = h.connector.calls.find((c) => c.method === 'PUT');
    expect(put?.path).toBe(`/v3/conversations/${encodeURIComponent(conversation)}/activities/${encodeURIComponent(postedId)}`);
    expect(JSON.stringify(put?.body)).toContain('shown once');
    for (const call of h.connector.calls) {
      expect(JSON.stringify(call.body ?? '')).not.toContain('Tmp');
    }
  });

  it.each(NOT_ACTIVITIES)('answers 400 to %s, reaches no handler and writes nothing (emulator mode)', async (_name, body) => {
    expect(await h.deliverRaw(body)).toBe(400);
    expect(h.rec.messages).toHaveLength(0);
    expect(h.rec.actions).toHaveLength(0);
    expect(h.connector.writes()).toHaveLength(0);
    expect(h.logger.entries().filter((e) => e.level === 'error')).toEqual([]);
    // Still serving.
    expect((await h.deliver(teamsMessageActivity(h.ctx(ALICE), 'still there?'))).status).toBe(200);
    expect(h.rec.messages.map((m) => m.text)).toEqual(['still there?']);
  });

  it('a refused reveal shows the user-safe sentence, not the secret', async () => {
    await stopHarness(h);
    h = await startHarness({ reveal: async () => Promise.reject(new AppError('secret.forbidden', 'Only the person who asked for this reset can open it.')) });
    const response = await h.deliver(teamsCardActionActivity(h.ctx(MANAGER), { verb: CHAT_ACTIONS.revealSecret, data: { value: 'rq_9' } }));
    expect(response.body).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE });
    expect(JSON.stringify(response.body)).toContain('Only the person who asked');
  });
});

describe('Teams bot with an app id: real Bot Framework JWT check', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ appId: '00000000-0000-4000-8000-00000000b07' });
  });
  afterEach(async () => stopHarness(h));

  it('refuses an activity without a token, or with a garbage one, with 401 and never reaches the core', async () => {
    const noToken = await h.deliver(teamsMessageActivity(h.ctx(ALICE), 'reset my password'));
    const garbage = await h.deliver(teamsMessageActivity(h.ctx(ALICE), 'reset my password'), { authorization: 'Bearer not.a.jwt' });
    expect(noToken.status).toBe(401);
    expect(garbage.status).toBe(401);
    expect(h.rec.messages).toHaveLength(0);
  });

  it('refused tokens (none, unsigned, HMAC, unknown key) are one warn line each: nothing on the console, no stack trace', async () => {
    const jwt = (header: object): string => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from('{"aud":"x"}').toString('base64url')}.c2ln`;
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const consoleLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const tokens = [undefined, 'Bearer not.a.jwt', `Bearer ${jwt({ alg: 'none' })}`, `Bearer ${jwt({ alg: 'HS256', kid: 'k' })}`, `Bearer ${jwt({ alg: 'RS256' })}`];
      for (const authorization of tokens) {
        const response = await h.deliver(teamsMessageActivity(h.ctx(ALICE), 'reset my password'), authorization === undefined ? {} : { authorization });
        expect(response.status).toBe(401);
      }
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleLog).not.toHaveBeenCalled();
      expect(h.rec.messages).toHaveLength(0);
      expect(h.logger.entries().filter((e) => e.msg === 'teams request refused: authentication')).toHaveLength(tokens.length);
    } finally {
      consoleError.mockRestore();
      consoleLog.mockRestore();
    }
  });

  it('shape check: an RSA-signed JWT with a key id passes on to the real check; none, HMAC or no kid do not', () => {
    const jwt = (header: object): string => `Bearer ${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.c2ln`;
    expect([jwt({ alg: 'RS256', kid: 'k' }), jwt({ alg: 'RS384', kid: 'k' }), jwt({ alg: 'RS512', kid: 'k' })].map(looksLikeBotFrameworkToken)).toEqual([true, true, true]);
    expect([jwt({ alg: 'none', kid: 'k' }), jwt({ alg: 'HS256', kid: 'k' }), jwt({ alg: 'RS256' }), 'Bearer abc', jwt({ alg: 'RS256', kid: '' })].map(looksLikeBotFrameworkToken)).toEqual([false, false, false, false, false]);
  });

  it.each(NOT_ACTIVITIES)('authenticates first: %s without a valid token is 401, not 400', async (_name, body) => {
    expect(await h.deliverRaw(body)).toBe(401);
    expect(await h.deliverRaw(body, { authorization: 'Bearer not.a.jwt' })).toBe(401);
    expect(h.rec.messages).toHaveLength(0);
    expect(h.logger.entries().filter((e) => e.level === 'error')).toEqual([]);
  });
});

describe('Teams surface against the connector fake', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => stopHarness(h));

  const aliceChat = () => ({ surface: 'teams' as const, channelId: `a:personal-${ALICE.aadObjectId}`, extra: { serviceUrl: h.connector.url, tenantId: TENANT, conversationType: 'personal' } });

  it('posts an Adaptive Card proactively and updates it in place', async () => {
    const id = await h.surface.post(aliceChat(), { text: 'Approve?', buttons: [{ actionId: CHAT_ACTIONS.approve, value: 'rq|ap', label: 'Approve', style: 'primary' }] });
    await h.surface.update(aliceChat(), id, { text: 'Approved by Dana Manager', tone: 'success' });
    const [posted] = h.connector.activities(aliceChat().channelId);
    expect(posted?.id).toBe(id);
    expect(posted?.history).toHaveLength(1);
    const attachments = posted?.activity['attachments'] as { contentType: string; content: { actions?: { type: string; verb: string }[] } }[];
    expect(attachments[0]?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    expect(JSON.stringify(attachments[0]?.content)).toContain('Approved by Dana Manager');
    const first = (posted?.history[0]?.['attachments'] as { content: { actions: { type: string; verb: string; data: unknown }[] } }[])[0]?.content.actions[0];
    expect(first).toMatchObject({ type: 'Action.Execute', verb: CHAT_ACTIONS.approve, data: { value: 'rq|ap' } });
  });

  it.each([403, 404] as const)('a removed conversation (%i) → chat.conversation_gone, one call, no retry (F05)', async (status) => {
    h.connector.removeConversation(aliceChat().channelId, status);
    await expect(h.surface.post(aliceChat(), { text: 'Your access was granted.' })).rejects.toMatchObject({ code: 'chat.conversation_gone', retryable: false });
    expect(h.connector.calls.filter((c) => c.conversationId === aliceChat().channelId)).toHaveLength(1);
  });

  it('lookupUser maps the Entra object id and UPN of a home-tenant member', async () => {
    await expect(h.surface.lookupUser(ALICE.aadObjectId, TENANT)).resolves.toEqual({
      chatUserId: ALICE.aadObjectId,
      entraObjectId: ALICE.aadObjectId,
      email: 'alice@contoso.test',
      displayName: 'Alice Ng',
      isBot: false,
      isExternal: false,
      isDeleted: false,
    });
  });

  it('lookupUser refuses guests (#EXT#, userRole guest), other tenants and ids that are not Entra object ids', async () => {
    await expect(h.surface.lookupUser(GUEST.aadObjectId, TENANT)).resolves.toMatchObject({ isExternal: true });
    expect((await h.surface.lookupUser(GUEST.aadObjectId, TENANT)).entraObjectId).toBeUndefined();
    const callsBefore = h.connector.calls.length;
    await expect(h.surface.lookupUser(ALICE.aadObjectId, OTHER_TENANT)).resolves.toMatchObject({ isExternal: true });
    await expect(h.surface.lookupUser('29:no-aad-id', TENANT)).resolves.toMatchObject({ isExternal: true });
    expect(h.connector.calls.length).toBe(callsBefore);
  });

  it('a guest message still reaches the core with its tenant; lookupUser is what refuses it', async () => {
    await h.deliver(teamsMessageActivity(h.ctx({ ...ALICE, tenantId: OTHER_TENANT }), 'unlock me'));
    expect(h.rec.messages[0]).toMatchObject({ chatTeamId: OTHER_TENANT });
    await expect(h.surface.lookupUser(h.rec.messages[0]?.chatUserId ?? '', h.rec.messages[0]?.chatTeamId)).resolves.toMatchObject({ isExternal: true });
  });

  it('opens an approver DM with createConversation and finds members of the helpdesk team by UPN', async () => {
    const dm = await h.surface.openDirectConversation(MANAGER.aadObjectId);
    expect(dm).toMatchObject({ surface: 'teams', channelId: `a:personal-${MANAGER.aadObjectId}`, extra: { tenantId: TENANT } });
    const create = h.connector.calls.find((c) => c.path === '/v3/conversations');
    expect(create?.body).toMatchObject({ members: [{ id: MANAGER.aadObjectId }], tenantId: TENANT });
    await expect(h.surface.findUserByEmail('DANA@contoso.test')).resolves.toBe(MANAGER.aadObjectId);
    await expect(h.surface.findUserByEmail(GUEST.userPrincipalName)).resolves.toBeUndefined();
    await expect(h.surface.findUserByEmail('nobody@contoso.test')).resolves.toBeUndefined();
  });

  it('finds by UPN only members of the helpdesk team; by Entra object id anyone in the tenant, with no connector call', async () => {
    h.connector.setConversationMembers('19:helpdesk@thread.tacv2', [ALICE.aadObjectId]);
    await expect(h.surface.findUserByEmail('dana@contoso.test')).resolves.toBeUndefined();
    await expect(h.surface.findUserByEmail('alice@contoso.test')).resolves.toBe(ALICE.aadObjectId);
    const before = h.connector.calls.length;
    await expect(h.surface.findUserByDirectoryObjectId?.(MANAGER.aadObjectId.toUpperCase())).resolves.toBe(MANAGER.aadObjectId);
    await expect(h.surface.findUserByDirectoryObjectId?.('29:dana')).resolves.toBeUndefined();
    await expect(h.surface.findUserByDirectoryObjectId?.('')).resolves.toBeUndefined();
    expect(h.connector.calls).toHaveLength(before);
    const dm = await h.surface.openDirectConversation(MANAGER.aadObjectId);
    expect(dm.channelId).toBe(`a:personal-${MANAGER.aadObjectId}`);
  });

  it('opening the DM of someone the app is not installed for → 403 BotNotInConversationRoster → chat.conversation_gone, one call, no retry', async () => {
    h.connector.setAppInstalled(MANAGER.aadObjectId, false);
    await expect(h.surface.openDirectConversation(MANAGER.aadObjectId)).rejects.toMatchObject({
      code: 'chat.conversation_gone',
      retryable: false,
      details: { operation: 'create conversation', status: 403, connectorCode: 'BotNotInConversationRoster' },
    });
    expect(h.connector.calls.filter((c) => c.path === '/v3/conversations').map((c) => c.status)).toEqual([403]);
  });

  it('escalates to the helpdesk channel and updates the case card', async () => {
    const posted = await h.surface.escalate({ requestId: 'rq_5', reason: 'Needs a human', facts: { Requester: 'Alice' }, severity: 'warning', buttons: [{ actionId: CHAT_ACTIONS.caseTake, value: 'rq_5', label: 'Take' }] });
    expect(posted?.conversation.channelId).toBe('19:helpdesk@thread.tacv2');
    await h.surface.updateEscalation(posted!, { requestId: 'rq_5', reason: 'Needs a human', facts: {}, severity: 'warning', status: 'Taken by Sam' });
    const [card] = h.connector.activities('19:helpdesk@thread.tacv2');
    expect(JSON.stringify(card?.activity)).toContain('Taken by Sam');
  });
});
