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

  it('refuses a click on a button that is not on the message (stale card, forged value, other DM)', async () => {
    const cardId = await h.surface.post({ surface: 'console', channelId: 'dm-alice' }, {
      text: 'Sure?',
      buttons: [{ actionId: CHAT_ACTIONS.choose, value: 'push:req-1', label: 'Yes' }],
    });
    const attempts = [
      { chatUserId: 'alice', actionId: CHAT_ACTIONS.choose, value: 'push:req-2', messageId: cardId },
      { chatUserId: 'bob', actionId: CHAT_ACTIONS.choose, value: 'push:req-1', messageId: cardId },
      { chatUserId: 'alice', actionId: CHAT_ACTIONS.cancelRequest, value: 'push:req-1', messageId: cardId },
    ];
    for (const attempt of attempts) expect((await h.postJson('/console/api/actions', attempt)).status).toBe(409);
    await h.surface.update({ surface: 'console', channelId: 'dm-alice' }, cardId, { text: 'Confirmed.' });
    const stale = { chatUserId: 'alice', actionId: CHAT_ACTIONS.choose, value: 'push:req-1', messageId: cardId };
    expect((await h.postJson('/console/api/actions', stale)).status).toBe(409);
    expect(h.handlers.actions).toHaveLength(0);
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
