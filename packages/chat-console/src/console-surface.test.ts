import { AppError, CHAT_ACTIONS, silentLogger } from '@keyward/core';
import type { ConversationRef, OutboundMessage } from '@keyward/core';
import type { ConsoleEvent } from './console-event';
import { createConsoleSurface, dmChannelId, HELPDESK_CHANNEL_ID } from './console-surface';
import { createDemoDirectory } from './testing';

const at = new Date('2025-01-02T03:04:05.000Z');
const dm = (chatUserId: string, threadId?: string): ConversationRef => ({
  surface: 'console',
  channelId: dmChannelId(chatUserId),
  ...(threadId === undefined ? {} : { threadId }),
});

function setup(options: { maxMessagesPerConversation?: number } = {}) {
  const surface = createConsoleSurface({ directory: createDemoDirectory(), logger: silentLogger, now: () => at, ...options });
  const events: ConsoleEvent[] = [];
  surface.subscribe((event) => events.push(event));
  return { surface, events };
}

describe('createConsoleSurface', () => {
  it('posts into the DM, emits a message event and keeps it in history', async () => {
    const { surface, events } = setup();
    const root = surface.recordUserMessage('alice', 'I forgot my password');
    const id = await surface.post(dm('alice', root.id), { text: 'Tap 42', emphasis: '42', tone: 'info' });

    expect(events.map((event) => event.type)).toEqual(['message', 'message']);
    const posted = events[1];
    expect(posted).toEqual({
      type: 'message',
      message: expect.objectContaining({ id, author: 'bot', threadId: root.id, chatUserId: 'alice', text: 'Tap 42', emphasis: '42', version: 1 }),
    });
    expect(surface.history('dm-alice').map((message) => message.id)).toEqual([root.id, id]);
    expect(surface.history('dm-alice')[1]?.postedAt).toBe(at.toISOString());
  });

  it('starts a new thread when the conversation has no thread id', async () => {
    const { surface } = setup();
    const id = await surface.post(dm('bob'), { text: 'Hello' });
    expect(surface.getMessage('dm-bob', id)?.threadId).toBe(id);
  });

  it('updates a bot message in place and emits an update with a higher version', async () => {
    const { surface, events } = setup();
    const id = await surface.post(dm('alice'), {
      text: 'Reset?',
      buttons: [{ actionId: 'keyward.choose', value: 'yes', label: 'Yes' }],
    });
    await surface.update(dm('alice'), id, { text: 'Reset confirmed.', tone: 'success' });

    const last = events.at(-1);
    expect(last?.type).toBe('update');
    const updated = surface.getMessage('dm-alice', id);
    expect(updated).toEqual(expect.objectContaining({ text: 'Reset confirmed.', tone: 'success', version: 2, editedAt: at.toISOString() }));
    expect(updated?.buttons).toBeUndefined();
    expect(surface.history('dm-alice')).toHaveLength(1);
  });

  it('refuses to update a message that is not one of its own in that conversation', async () => {
    const { surface } = setup();
    const userMessage = surface.recordUserMessage('alice', 'hi');
    await expect(surface.update(dm('alice'), 'cm-missing', { text: 'x' })).rejects.toMatchObject({ code: 'chat.bad_request' });
    await expect(surface.update(dm('alice'), userMessage.id, { text: 'x' })).rejects.toBeInstanceOf(AppError);
  });

  it('refuses a conversation from another surface', async () => {
    const { surface } = setup();
    await expect(surface.post({ surface: 'slack', channelId: 'D1' }, { text: 'x' })).rejects.toMatchObject({ code: 'chat.bad_request' });
  });

  it('appends escalations to the helpdesk feed, emits them and returns the card’s ref', async () => {
    const { surface, events } = setup();
    const posted = await surface.escalate({ requestId: 'req-1', reason: 'Admin account', facts: { Who: 'Carol' }, severity: 'critical' });
    expect(surface.escalations()).toEqual([
      expect.objectContaining({ requestId: 'req-1', reason: 'Admin account', severity: 'critical', at: at.toISOString(), version: 1 }),
    ]);
    expect(posted).toEqual({ conversation: { surface: 'console', channelId: HELPDESK_CHANNEL_ID }, messageId: surface.escalations()[0]?.id });
    expect(events).toEqual([{ type: 'escalation', escalation: surface.escalations()[0] }]);
  });

  it('replaces a case card in place on updateEscalation (status and buttons) and emits escalation_update', async () => {
    const { surface, events } = setup();
    const take = { actionId: CHAT_ACTIONS.caseTake, value: 'req-1', label: 'Take' };
    const resolve = { actionId: CHAT_ACTIONS.caseResolve, value: 'req-1', label: 'Resolve' };
    const posted = await surface.escalate({ requestId: 'req-1', reason: 'CA exception', facts: {}, severity: 'warning', status: 'Open', buttons: [take, resolve] });
    await surface.escalate({ requestId: 'req-2', reason: 'other', facts: {}, severity: 'info' });
    await surface.updateEscalation(posted, { requestId: 'req-1', reason: 'CA exception', facts: {}, severity: 'warning', status: 'Taken by Hank', buttons: [resolve] });

    const card = surface.getEscalation(posted.messageId);
    expect(card).toEqual(expect.objectContaining({ id: posted.messageId, status: 'Taken by Hank', buttons: [resolve], version: 2, at: at.toISOString(), updatedAt: at.toISOString() }));
    expect(surface.escalations().map((e) => e.requestId)).toEqual(['req-1', 'req-2']);
    expect(events.at(-1)).toEqual({ type: 'escalation_update', escalation: card });

    await surface.updateEscalation(posted, { requestId: 'req-1', reason: 'CA exception', facts: {}, severity: 'warning', status: 'Resolved' });
    expect(surface.getEscalation(posted.messageId)?.buttons).toBeUndefined();
  });

  it('refuses to update a case card it does not have', async () => {
    const { surface, events } = setup();
    const unknown = { conversation: { surface: 'console' as const, channelId: HELPDESK_CHANNEL_ID }, messageId: 'esc-missing' };
    await expect(surface.updateEscalation(unknown, { reason: 'x', facts: {}, severity: 'info' })).rejects.toMatchObject({ code: 'chat.bad_request' });
    const posted = await surface.escalate({ reason: 'x', facts: {}, severity: 'info' });
    await expect(surface.updateEscalation({ ...posted, conversation: { surface: 'slack', channelId: 'C1' } }, { reason: 'y', facts: {}, severity: 'info' })).rejects.toMatchObject({ code: 'chat.bad_request' });
    expect(events.map((e) => e.type)).toEqual(['escalation']);
  });

  it('finds a person by directory email (case-insensitive) and nobody by name', async () => {
    const { surface } = setup();
    await expect(surface.findUserByEmail('Frank@Example.test')).resolves.toBe('frank');
    await expect(surface.findUserByEmail('Frank Osei')).resolves.toBeUndefined();
    await expect(surface.findUserByEmail('')).resolves.toBeUndefined();
  });

  it('opens the DM of a directory person, where an approval card then lands', async () => {
    const { surface } = setup();
    const dmRef = await surface.openDirectConversation('frank');
    expect(dmRef).toEqual({ surface: 'console', channelId: 'dm-frank' });
    const id = await surface.post(dmRef, { text: 'Approve?', buttons: [{ actionId: CHAT_ACTIONS.approve, value: 'req-1|apr-1', label: 'Approve' }] });
    expect(surface.history('dm-frank').map((m) => m.id)).toEqual([id]);
    await expect(surface.openDirectConversation('mallory')).rejects.toMatchObject({ code: 'chat.bad_request' });
  });

  it('keeps only the newest messages of a conversation', async () => {
    const { surface } = setup({ maxMessagesPerConversation: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await surface.post(dm('alice'), { text: `m${i}` }));
    expect(surface.history('dm-alice').map((message) => message.text)).toEqual(['m2', 'm3', 'm4']);
    expect(surface.getMessage('dm-alice', ids[0] ?? '')).toBeUndefined();
  });

  it('keeps what it stored when the caller mutates its message afterwards', async () => {
    const { surface } = setup();
    const message: OutboundMessage = { text: 'original', context: ['a'] };
    const id = await surface.post(dm('alice'), message);
    message.text = 'changed';
    message.context?.push('b');
    expect(surface.getMessage('dm-alice', id)).toEqual(expect.objectContaining({ text: 'original', context: ['a'] }));
  });

  it('still delivers to other subscribers when one throws', async () => {
    const { surface, events } = setup();
    surface.subscribe(() => {
      throw new Error('closed socket');
    });
    await surface.post(dm('alice'), { text: 'hello' });
    expect(events).toHaveLength(1);
  });

  it('resolves console users from the directory: email given, never external', async () => {
    const { surface } = setup();
    await expect(surface.lookupUser('carol')).resolves.toEqual({
      chatUserId: 'carol',
      email: 'carol@example.test',
      displayName: 'Carol Nguyen',
      isBot: false,
      isExternal: false,
      isDeleted: false,
    });
    await expect(surface.lookupUser('mallory')).rejects.toMatchObject({ code: 'identity.not_found' });
  });
});
