import { AppError, CHAT_ACTIONS } from '@keyward/core';
import { NOT_MINE, startHarness } from './http-test-harness';
import type { Harness } from './http-test-harness';
import { openSseReader } from './testing';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('console http handler: page and routing', () => {
  it('serves the page with a strict content security policy', async () => {
    const response = await fetch(`${h.base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('data-testid="message-list"');
  });

  it('serves the page modules as JavaScript, which Chromium requires for type="module"', async () => {
    const response = await fetch(`${h.base}/console/assets/app.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('never serves a file outside the public folder', async () => {
    for (const path of ['/console/assets/..%2Fpackage.json', '/console/assets/../package.json', '/console/assets/.env', '/console/assets/nope.js']) {
      const response = await fetch(h.base + path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('@keyward/chat-console');
    }
  });

  it('declines paths that are not the console, so the gateway can chain handlers', async () => {
    const response = await fetch(`${h.base}/api/messages`);
    expect(await response.text()).toBe(NOT_MINE);
  });

  it('answers 404 for unknown console paths and 405 for a wrong method', async () => {
    expect((await fetch(`${h.base}/console/api/nothing`)).status).toBe(404);
    expect((await fetch(`${h.base}/console/api/messages`)).status).toBe(405);
    expect((await h.postJson('/console/api/people', {})).status).toBe(405);
  });

  it('lists the demo people', async () => {
    const body = await json(await fetch(`${h.base}/console/api/people`));
    expect(body['people']).toEqual(expect.arrayContaining([expect.objectContaining({ chatUserId: 'bob', email: 'bob@example.test', note: 'Locked out' })]));
  });
});

describe('console http handler: local-only guards', () => {
  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const response = await h.raw('/console/api/people', { headers: { host: 'evil.example:3000' } });
    expect(response.status).toBe(403);
  });

  it('accepts localhost and [::1] as Host', async () => {
    expect((await h.raw('/console/api/people', { headers: { host: 'localhost:3000' } })).status).toBe(200);
    expect((await h.raw('/console/api/people', { headers: { host: '[::1]:3000' } })).status).toBe(200);
  });

  it('refuses a POST from another origin', async () => {
    const response = await h.raw('/console/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ chatUserId: 'alice', text: 'hi' }),
    });
    expect(response.status).toBe(403);
    expect(h.handlers.messages).toHaveLength(0);
  });
});

describe('console http handler: body validation', () => {
  const cases: [string, { body: string; contentType?: string }, number, RegExp][] = [
    ['a non-JSON content type', { body: '{"chatUserId":"alice","text":"hi"}', contentType: 'text/plain' }, 415, /JSON/],
    ['malformed JSON', { body: '{"chatUserId":' }, 400, /not valid JSON/],
    ['an array', { body: '[]' }, 400, /JSON object/],
    ['a missing chatUserId', { body: '{"text":"hi"}' }, 400, /"chatUserId" must be a string/],
    ['a non-string text', { body: '{"chatUserId":"alice","text":42}' }, 400, /"text" must be a string/],
    ['a blank text', { body: '{"chatUserId":"alice","text":"   "}' }, 400, /"text" must not be empty/],
    ['a body over 16 KB', { body: JSON.stringify({ chatUserId: 'alice', text: 'x'.repeat(17 * 1024) }) }, 413, /larger than 16384 bytes/],
  ];

  it.each(cases)('refuses %s with a clear message', async (_name, input, status, message) => {
    const response = await h.raw('/console/api/messages', {
      method: 'POST',
      headers: { 'content-type': input.contentType ?? 'application/json' },
      body: input.body,
    });
    expect(response.status).toBe(status);
    expect((JSON.parse(response.body) as { error: { message: string } }).error.message).toMatch(message);
    expect(h.handlers.messages).toHaveLength(0);
  });

  it('refuses a person who is not in the directory', async () => {
    const response = await h.postJson('/console/api/messages', { chatUserId: 'mallory', text: 'hi' });
    expect(response.status).toBe(404);
  });

  it('refuses an action id that is not a console action', async () => {
    const response = await h.postJson('/console/api/actions', { chatUserId: 'alice', actionId: 'keyward.delete_everyone', value: 'x', messageId: 'm' });
    expect(response.status).toBe(400);
  });

  it('refuses a phone answer that is neither a number nor "deny"', async () => {
    for (const choice of ['42', 4.5, -1, null, true]) {
      const response = await h.postJson('/console/api/phone/answer', { chatUserId: 'alice', transactionId: 'tx-1', choice });
      expect(response.status).toBe(400);
    }
    expect(h.phone.answers).toHaveLength(0);
  });

  it('refuses a non-integer afterSeq', async () => {
    expect((await fetch(`${h.base}/console/api/audit?afterSeq=abc`)).status).toBe(400);
  });
});

describe('console http handler: chat', () => {
  it('turns a typed message into an InboundMessage that starts its own thread, and shows it live', async () => {
    const sse = await openSseReader(`${h.base}/console/events`);
    try {
      const response = await h.postJson('/console/api/messages', { chatUserId: 'alice', text: '  I forgot my password  ' });
      expect(response.status).toBe(202);
      const { messageId } = (await response.json()) as { messageId: string };

      expect(h.handlers.messages).toEqual([
        {
          eventId: expect.stringMatching(/^console:[0-9a-f-]{36}$/),
          conversation: { surface: 'console', channelId: 'dm-alice', threadId: messageId },
          chatUserId: 'alice',
          messageId,
          text: 'I forgot my password',
          receivedAt: new Date('2025-05-06T07:08:09.000Z'),
        },
      ]);
      const event = await sse.waitFor((e) => e.event === 'message');
      expect(JSON.parse(event.data)).toMatchObject({ type: 'message', message: { id: messageId, author: 'user', text: 'I forgot my password' } });

      const history = await json(await fetch(`${h.base}/console/api/conversation?chatUserId=alice`));
      expect(history['messages']).toEqual([expect.objectContaining({ id: messageId })]);
    } finally {
      sse.close();
    }
  });

  it('streams bot posts, updates and escalations', async () => {
    const sse = await openSseReader(`${h.base}/console/events`);
    try {
      const id = await h.surface.post({ surface: 'console', channelId: 'dm-bob' }, { text: 'Tap', emphasis: '17' });
      await h.surface.update({ surface: 'console', channelId: 'dm-bob' }, id, { text: 'Done', tone: 'success' });
      await h.surface.escalate({ reason: 'Admin role', facts: {}, severity: 'warning' });
      await sse.waitFor((e) => e.event === 'escalation');
      expect(sse.events.map((e) => e.event)).toEqual(['message', 'update', 'escalation']);
      expect((await json(await fetch(`${h.base}/console/api/escalations`)))['escalations']).toHaveLength(1);
    } finally {
      sse.close();
    }
  });

  it('passes a button click to onAction with the thread of the message that carried it', async () => {
    const root = h.surface.recordUserMessage('alice', 'reset please');
    const conversation = { surface: 'console' as const, channelId: 'dm-alice', threadId: root.id };
    const cardId = await h.surface.post(conversation, { text: 'Sure?', buttons: [{ actionId: CHAT_ACTIONS.choose, value: 'push:req-1', label: 'Yes' }] });

    const response = await h.postJson('/console/api/actions', {
      chatUserId: 'alice',
      actionId: CHAT_ACTIONS.choose,
      value: 'push:req-1',
      messageId: cardId,
      threadId: 'forged-thread',
    });
    expect(response.status).toBe(202);
    expect(h.handlers.actions).toEqual([
      expect.objectContaining({
        eventId: expect.stringMatching(/^console:/),
        conversation,
        chatUserId: 'alice',
        actionId: CHAT_ACTIONS.choose,
        value: 'push:req-1',
        messageId: cardId,
      }),
    ]);
  });

  it('refuses a click on a button that is not on the message (stale card, forged value)', async () => {
    const cardId = await h.surface.post({ surface: 'console', channelId: 'dm-alice' }, {
      text: 'Sure?',
      buttons: [{ actionId: CHAT_ACTIONS.choose, value: 'push:req-1', label: 'Yes' }],
    });
    const attempts = [
      { chatUserId: 'alice', actionId: CHAT_ACTIONS.choose, value: 'push:req-2', messageId: cardId },
      { chatUserId: 'bob', actionId: CHAT_ACTIONS.choose, value: 'push:req-2', messageId: cardId },
      { chatUserId: 'alice', actionId: CHAT_ACTIONS.cancelRequest, value: 'push:req-1', messageId: cardId },
    ];
    for (const attempt of attempts) expect((await h.postJson('/console/api/actions', attempt)).status).toBe(409);
    await h.surface.update({ surface: 'console', channelId: 'dm-alice' }, cardId, { text: 'Confirmed.' });
    const stale = { chatUserId: 'alice', actionId: CHAT_ACTIONS.choose, value: 'push:req-1', messageId: cardId };
    const refused = await h.postJson('/console/api/actions', stale);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toEqual({ error: { code: 'action.stale', message: 'That button is no longer available. The message has changed.' } });
    // Gone is gone, whoever clicks: once the card is final, nobody is told it belongs to someone else.
    expect((await h.postJson('/console/api/actions', { ...stale, chatUserId: 'bob' })).status).toBe(409);
    expect(h.handlers.actions).toHaveLength(0);
  });

  it("refuses a click on a live button in someone else's DM as not theirs, naming the role that may use it", async () => {
    const requesterCard = await h.surface.post({ surface: 'console', channelId: 'dm-alice' }, {
      text: 'Sure?',
      buttons: [{ actionId: CHAT_ACTIONS.choose, value: 'req-1|password_reset', label: 'Yes' }],
    });
    const approvalCard = await h.surface.post({ surface: 'console', channelId: 'dm-alice' }, {
      text: 'Bob asks: add them to design-team.',
      buttons: [{ actionId: CHAT_ACTIONS.approve, value: 'req-2|a1', label: 'Approve' }],
    });
    const attempts: [Record<string, unknown>, string][] = [
      [{ chatUserId: 'bob', actionId: CHAT_ACTIONS.choose, value: 'req-1|password_reset', messageId: requesterCard }, 'the person who made this request'],
      [{ chatUserId: 'bob', actionId: CHAT_ACTIONS.approve, value: 'req-2|a1', messageId: approvalCard }, 'the approver it was sent to'],
      [{ chatUserId: 'bob', actionId: CHAT_ACTIONS.approve, value: 'req-2|a1', messageId: approvalCard, channelId: 'dm-alice' }, 'the approver it was sent to'],
    ];
    for (const [attempt, role] of attempts) {
      const refused = await h.postJson('/console/api/actions', attempt);
      expect(refused.status).toBe(403);
      expect(await json(refused)).toEqual({ error: { code: 'action.not_yours', message: `This button isn't yours: only ${role} can use it.` } });
    }
    expect(h.handlers.actions).toHaveLength(0);
    expect(h.logger.entries().filter((e) => e.level === 'warn' && /someone else's DM/.test(e.msg ?? ''))).toHaveLength(3);
  });

  it('shows an AppError message from a handler but hides an unexpected error', async () => {
    h.handlers.onMessage = async () => {
      throw new AppError('idp.rate_limited', 'The directory is busy. Try again in a minute.');
    };
    const limited = await h.postJson('/console/api/messages', { chatUserId: 'alice', text: 'hi' });
    expect(limited.status).toBe(429);
    expect(await json(limited)).toEqual({ error: { code: 'idp.rate_limited', message: 'The directory is busy. Try again in a minute.' } });

    h.handlers.onMessage = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:6379 at /srv/keyward/node_modules/ioredis');
    };
    const broken = await h.postJson('/console/api/messages', { chatUserId: 'alice', text: 'hi' });
    expect(broken.status).toBe(500);
    expect(await broken.text()).not.toContain('ECONNREFUSED');
  });
});

describe('console http handler: helpdesk cases and approvals', () => {
  const caseButtons = [
    { actionId: CHAT_ACTIONS.caseTake, value: 'req-7', label: 'Take' },
    { actionId: CHAT_ACTIONS.caseResolve, value: 'req-7', label: 'Resolve' },
    { actionId: CHAT_ACTIONS.caseReject, value: 'req-7', label: 'Reject' },
  ];
  const openCase = () => h.surface.escalate({ requestId: 'req-7', reason: 'CA exception', facts: { Who: 'Alice' }, severity: 'warning', status: 'Open', buttons: caseButtons });
  const click = (body: Record<string, unknown>) => h.postJson('/console/api/actions', body);

  it('passes a Take click on a case card to onAction as the chosen persona, in the helpdesk channel', async () => {
    const posted = await openCase();
    const response = await click({ chatUserId: 'hank', actionId: CHAT_ACTIONS.caseTake, value: 'req-7', messageId: posted.messageId, channelId: 'helpdesk' });
    expect(response.status).toBe(202);
    expect(h.handlers.actions).toEqual([
      expect.objectContaining({
        chatUserId: 'hank',
        actionId: CHAT_ACTIONS.caseTake,
        value: 'req-7',
        messageId: posted.messageId,
        conversation: { surface: 'console', channelId: 'helpdesk', threadId: posted.messageId },
      }),
    ]);
    expect(h.handlers.actions[0]?.note).toBeUndefined();
  });

  it('carries the typed note (trimmed) with Resolve', async () => {
    const posted = await openCase();
    const response = await click({ chatUserId: 'hank', actionId: CHAT_ACTIONS.caseResolve, value: 'req-7', messageId: posted.messageId, channelId: 'helpdesk', note: '  Called Alice, reset done. <!channel>  ' });
    expect(response.status).toBe(202);
    expect(h.handlers.actions[0]).toEqual(expect.objectContaining({ actionId: CHAT_ACTIONS.caseResolve, note: 'Called Alice, reset done. <!channel>' }));
  });

  it.each([
    ['Resolve without a note', { actionId: CHAT_ACTIONS.caseResolve }, 400],
    ['Reject with a blank note', { actionId: CHAT_ACTIONS.caseReject, note: '   ' }, 400],
    ['a note over 1000 characters', { actionId: CHAT_ACTIONS.caseResolve, note: 'x'.repeat(1001) }, 400],
    ['a note that is not a string', { actionId: CHAT_ACTIONS.caseResolve, note: 42 }, 400],
    ['a note on a button that takes none', { actionId: CHAT_ACTIONS.caseTake, note: 'hi' }, 400],
    ['a button that is not on this card', { actionId: CHAT_ACTIONS.approve, note: undefined }, 409],
    ['another person’s DM as the channel', { actionId: CHAT_ACTIONS.caseTake, channelId: 'dm-alice' }, 403],
  ])('refuses %s', async (_name, extra, status) => {
    const posted = await openCase();
    const response = await click({ chatUserId: 'hank', value: 'req-7', messageId: posted.messageId, channelId: 'helpdesk', ...extra });
    expect(response.status).toBe(status);
    expect(h.handlers.actions).toHaveLength(0);
  });

  it('accepts a note of exactly 1000 characters', async () => {
    const posted = await openCase();
    const response = await click({ chatUserId: 'hank', actionId: CHAT_ACTIONS.caseReject, value: 'req-7', messageId: posted.messageId, channelId: 'helpdesk', note: 'y'.repeat(1000) });
    expect(response.status).toBe(202);
  });

  it('refuses a click on a button the card no longer has after updateEscalation', async () => {
    const posted = await openCase();
    await h.surface.updateEscalation(posted, { requestId: 'req-7', reason: 'CA exception', facts: {}, severity: 'warning', status: 'Taken by Hank', buttons: caseButtons.slice(1) });
    const response = await click({ chatUserId: 'hank', actionId: CHAT_ACTIONS.caseTake, value: 'req-7', messageId: posted.messageId, channelId: 'helpdesk' });
    expect(response.status).toBe(409);
    expect(h.handlers.actions).toHaveLength(0);
  });

  it('streams case card updates and serves the current card', async () => {
    const sse = await openSseReader(`${h.base}/console/events`);
    try {
      const posted = await openCase();
      await h.surface.updateEscalation(posted, { requestId: 'req-7', reason: 'CA exception', facts: {}, severity: 'warning', status: 'Resolved by Hank' });
      const event = await sse.waitFor((e) => e.event === 'escalation_update');
      expect(JSON.parse(event.data)).toMatchObject({ type: 'escalation_update', escalation: { id: posted.messageId, status: 'Resolved by Hank', version: 2 } });
      const body = (await (await fetch(`${h.base}/console/api/escalations`)).json()) as { escalations: Array<Record<string, unknown>> };
      expect(body.escalations).toEqual([expect.objectContaining({ id: posted.messageId, status: 'Resolved by Hank' })]);
    } finally {
      sse.close();
    }
  });

  it('shows Frank the approval card in his DM; Approve goes through and Deny takes an optional note', async () => {
    const frankDm = await h.surface.openDirectConversation('frank');
    const cardId = await h.surface.post(frankDm, {
      text: 'Alice asks to join design-team.',
      buttons: [
        { actionId: CHAT_ACTIONS.approve, value: 'req-1|apr-1', label: 'Approve', style: 'primary' },
        { actionId: CHAT_ACTIONS.deny, value: 'req-1|apr-1', label: 'Deny', style: 'danger' },
      ],
    });
    const history = (await (await fetch(`${h.base}/console/api/conversation?chatUserId=frank`)).json()) as { messages: Array<{ id: string }> };
    expect(history.messages.map((m) => m.id)).toEqual([cardId]);

    // Alice cannot click Frank's card: it is not in her DM, and she is told it is not hers.
    expect((await click({ chatUserId: 'alice', actionId: CHAT_ACTIONS.approve, value: 'req-1|apr-1', messageId: cardId })).status).toBe(403);
    expect((await click({ chatUserId: 'frank', actionId: CHAT_ACTIONS.deny, value: 'req-1|apr-1', messageId: cardId })).status).toBe(202);
    expect((await click({ chatUserId: 'frank', actionId: CHAT_ACTIONS.deny, value: 'req-1|apr-1', messageId: cardId, note: 'Not this quarter' })).status).toBe(202);
    expect(h.handlers.actions.map((a) => [a.chatUserId, a.actionId, a.note])).toEqual([
      ['frank', CHAT_ACTIONS.deny, undefined],
      ['frank', CHAT_ACTIONS.deny, 'Not this quarter'],
    ]);
  });

  it('never reveals a secret from a helpdesk card', async () => {
    const posted = await h.surface.escalate({ reason: 'x', facts: {}, severity: 'info', buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: 'req-1', label: 'Show' }] });
    const response = await click({ chatUserId: 'hank', actionId: CHAT_ACTIONS.revealSecret, value: 'req-1', messageId: posted.messageId, channelId: 'helpdesk' });
    expect(response.status).toBe(409);
    expect(h.handlers.reveals).toHaveLength(0);
  });
});
