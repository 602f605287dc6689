import { AppError, CHAT_ACTIONS } from '@keyward/core';
import { startHarness } from './http-test-harness';
import type { Harness } from './http-test-harness';
import { openSseReader } from './testing';

const SECRET = 'https://sandbox.example.test/reset/7f3a-very-secret-token';

describe('console http handler: reveal', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      reveal: async () => ({ title: 'Your reset link', secret: SECRET, note: 'Opens once.', isLink: true }),
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns the secret in the HTTP answer only: never in history, the event stream or a log', async () => {
    const sse = await openSseReader(`${h.base}/console/events`);
    try {
      const conversation = { surface: 'console' as const, channelId: 'dm-alice' };
      const cardId = await h.surface.post(conversation, {
        text: 'Your link is ready.',
        buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: 'req-9', label: 'Show my reset link' }],
      });
      // The bot updating its card after a reveal is the normal flow: that update must not carry the secret.
      h.handlers.onRevealSecret = async (action) => {
        h.handlers.reveals.push(action);
        await h.surface.update(conversation, cardId, { text: 'Shown once.' });
        return { title: 'Your reset link', secret: SECRET, note: 'Opens once.', isLink: true };
      };

      const response = await h.postJson('/console/api/actions', {
        chatUserId: 'alice',
        actionId: CHAT_ACTIONS.revealSecret,
        value: 'req-9',
        messageId: cardId,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ reveal: { title: 'Your reset link', secret: SECRET, note: 'Opens once.', isLink: true } });
      expect(h.handlers.reveals).toHaveLength(1);
      expect(h.handlers.actions).toHaveLength(0);

      await sse.waitFor((e) => e.event === 'update');
      const history = await (await fetch(`${h.base}/console/api/conversation?chatUserId=alice`)).text();
      expect(history).not.toContain('7f3a-very-secret-token');
      expect(sse.raw()).not.toContain('7f3a-very-secret-token');
      expect(JSON.stringify(h.surface.history('dm-alice'))).not.toContain('7f3a-very-secret-token');
      expect(h.logger.allText()).not.toContain('7f3a-very-secret-token');
    } finally {
      sse.close();
    }
  });

  it('answers a second reveal with the handler\'s user-safe refusal', async () => {
    h.handlers.onRevealSecret = async () => {
      throw new AppError('secret.not_found', 'This link was already shown or has expired.');
    };
    const cardId = await h.surface.post({ surface: 'console', channelId: 'dm-alice' }, {
      text: 'Ready',
      buttons: [{ actionId: CHAT_ACTIONS.revealSecret, value: 'req-9', label: 'Show' }],
    });
    const response = await h.postJson('/console/api/actions', { chatUserId: 'alice', actionId: CHAT_ACTIONS.revealSecret, value: 'req-9', messageId: cardId });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'secret.not_found', message: 'This link was already shown or has expired.' } });
  });
});

describe('console http handler: phone and audit', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists the person\'s pending pushes with three choices including the right number', async () => {
    const { transactionId } = h.phone.push('bob@example.test', 42);
    h.phone.push('alice@example.test', 17);
    const body = (await (await fetch(`${h.base}/console/api/phone?chatUserId=bob`)).json()) as {
      email: string;
      pending: { transactionId: string; createdAt: string; choices: number[] }[];
    };
    expect(body.email).toBe('bob@example.test');
    expect(body.pending).toEqual([{ transactionId, createdAt: '2025-05-06T07:08:09.000Z', choices: expect.arrayContaining([42]) }]);
    expect(body.pending[0]?.choices).toHaveLength(3);
  });

  it('passes a tapped number as an approval with that number, and Deny as a rejection', async () => {
    const right = h.phone.push('bob@example.test', 42);
    expect((await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: right.transactionId, choice: 42 })).status).toBe(200);
    await expect(right.outcome).resolves.toBe('approved');

    const wrong = h.phone.push('bob@example.test', 42);
    await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: wrong.transactionId, choice: 43 });
    await expect(wrong.outcome).resolves.toBe('rejected');

    const denied = h.phone.push('bob@example.test', 42);
    await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: denied.transactionId, choice: 'deny' });
    await expect(denied.outcome).resolves.toBe('rejected');

    expect(h.phone.answers.map((a) => a.answer)).toEqual([{ approve: true, number: 42 }, { approve: true, number: 43 }, { approve: false }]);
    expect(h.phone.answers.every((a) => a.email === 'bob@example.test')).toBe(true);
  });

  it('answers 404 for a push id nobody has pending, with a plain JSON message and no error log', async () => {
    const answered = h.phone.push('bob@example.test', 42);
    await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: answered.transactionId, choice: 42 });
    for (const transactionId of ['tx-never-sent', answered.transactionId]) {
      const response = await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId, choice: 42 });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'phone.push_unknown', message: expect.stringContaining('no pending push') } });
    }
    expect(h.logger.entries().filter((e) => e.level === 'error')).toEqual([]);
    expect((await fetch(`${h.base}/console/api/people`)).status).toBe(200);
  });

  it('answers 403 for a push sent to someone else, and leaves that push waiting', async () => {
    const bobs = h.phone.push('bob@example.test', 42);
    for (const choice of [42, 'deny'] as const) {
      const response = await h.postJson('/console/api/phone/answer', { chatUserId: 'alice', transactionId: bobs.transactionId, choice });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: { code: 'phone.push_not_yours', message: expect.stringContaining('someone else') } });
    }
    expect(h.logger.entries().filter((e) => e.level === 'error')).toEqual([]);
    const pending = (await (await fetch(`${h.base}/console/api/phone?chatUserId=bob`)).json()) as { pending: { transactionId: string }[] };
    expect(pending.pending.map((p) => p.transactionId)).toEqual([bobs.transactionId]);
    // Bob can still answer it himself.
    expect((await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: bobs.transactionId, choice: 42 })).status).toBe(200);
    await expect(bobs.outcome).resolves.toBe('approved');
  });

  it('refuses a body over 16 KB announced by Content-Length before reading it', async () => {
    const response = await h.postJson('/console/api/phone/answer', { chatUserId: 'bob', transactionId: 'x'.repeat(20_000), choice: 1 });
    expect(response.status).toBe(413);
  });

  const event = (requestId: string, type: string) => ({
    requestId,
    at: new Date('2025-05-06T07:08:09.000Z'),
    type,
    channel: { surface: 'console' },
    requester: { chatUserId: 'alice' },
    agent: { name: 'test', version: '0' },
  });

  it('returns the newest audit records, and those after a given seq', async () => {
    await h.audit.append(event('req-1', 'request.received'));
    await h.audit.append(event('req-1', 'stepup.started'));
    const all = (await (await fetch(`${h.base}/console/api/audit`)).json()) as { records: { seq: number; type: string }[] };
    expect(all.records.map((r) => r.type)).toEqual(['request.received', 'stepup.started']);
    const after = (await (await fetch(`${h.base}/console/api/audit?afterSeq=1`)).json()) as { records: { seq: number }[] };
    expect(after.records.map((r) => r.seq)).toEqual([2]);
  });

  it('pushes audit records appended after the page connected, each once', async () => {
    await h.audit.append(event('req-0', 'old.event'));
    const sse = await openSseReader(`${h.base}/console/events`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 80)); // the first poll only learns where the log ends
      await h.audit.append(event('req-1', 'request.received'));
      await h.audit.append(event('req-1', 'idp.write'));
      await sse.waitFor((e) => e.event === 'audit' && e.data.includes('idp.write'));
      await new Promise((resolve) => setTimeout(resolve, 80));
      const pushed = sse.events
        .filter((e) => e.event === 'audit')
        .flatMap((e) => (JSON.parse(e.data) as { records: { type: string }[] }).records.map((r) => r.type));
      expect(pushed).toEqual(['request.received', 'idp.write']);
    } finally {
      sse.close();
    }
  });
});
