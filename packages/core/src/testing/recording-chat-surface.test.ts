import { createRecordingChatSurface } from './recording-chat-surface';

describe('recording chat surface (the core’s ChatSurface fake)', () => {
  const users = {
    frank: { email: 'frank@example.com', displayName: 'Frank' },
    gone: { email: 'gone@example.com', isDeleted: true },
    partner: { email: 'p@partner.example', isExternal: true },
  };

  it('finds only active internal people by exact email, never by name', async () => {
    const chat = createRecordingChatSurface('slack', users);
    expect(await chat.findUserByEmail('Frank@Example.com')).toBe('frank');
    expect(await chat.findUserByEmail('Frank')).toBeUndefined();
    expect(await chat.findUserByEmail('gone@example.com')).toBeUndefined();
    expect(await chat.findUserByEmail('p@partner.example')).toBeUndefined();
    expect(chat.emailLookups()).toEqual(['Frank@Example.com', 'Frank', 'gone@example.com', 'p@partner.example']);
  });

  it('opens the same DM for a user every time and records each opening', async () => {
    const chat = createRecordingChatSurface('slack', users);
    const first = await chat.openDirectConversation('frank');
    expect(await chat.openDirectConversation('frank')).toEqual(first);
    expect(first).toEqual({ surface: 'slack', channelId: 'dm-frank' });
    await expect(chat.openDirectConversation('nobody')).rejects.toMatchObject({ code: 'chat.bad_request' });
    expect(chat.directConversationsOpened()).toEqual(['frank', 'frank', 'nobody']);
  });

  it('has no object-id lookup unless asked; with it, answers the id itself like Teams, and unreachable users cannot be DMed', async () => {
    expect(createRecordingChatSurface('slack', users).findUserByDirectoryObjectId).toBeUndefined();
    const chat = createRecordingChatSurface('teams', users, { directoryObjectIds: true, unreachable: ['gone'] });
    expect(await chat.findUserByDirectoryObjectId?.('frank')).toBe('frank');
    expect(chat.directoryLookups()).toEqual(['frank']);
    await expect(chat.openDirectConversation('gone')).rejects.toMatchObject({ code: 'chat.conversation_gone' });
    chat.setUnreachable('frank');
    await expect(chat.openDirectConversation('frank')).rejects.toMatchObject({ code: 'chat.conversation_gone' });
  });

  it('returns a ref per escalation and tracks each card’s latest state', async () => {
    const chat = createRecordingChatSurface('console');
    const a = await chat.escalate({ requestId: 'r1', reason: 'one', facts: {}, severity: 'info', status: 'Open' });
    const b = await chat.escalate({ requestId: 'r2', reason: 'two', facts: {}, severity: 'warning' });
    expect(a).toEqual({ conversation: { surface: 'console', channelId: 'helpdesk' }, messageId: 'esc-1' });
    expect(b?.messageId).toBe('esc-2');
    if (a === undefined) throw new Error('expected a ref');
    await chat.updateEscalation(a, { requestId: 'r1', reason: 'one', facts: {}, severity: 'info', status: 'Taken by Hank' });
    expect(chat.escalations().map((e) => e.status)).toEqual(['Open', undefined]);
    expect(chat.escalationUpdates()).toEqual([{ posted: a, escalation: expect.objectContaining({ status: 'Taken by Hank' }) }]);
    expect(chat.caseCards().map((c) => c.escalation.status)).toEqual(['Taken by Hank', undefined]);
    expect(chat.allText()).toContain('Taken by Hank');
  });

  it('refuses to update a card it never posted', async () => {
    const chat = createRecordingChatSurface('console');
    await expect(chat.updateEscalation({ conversation: { surface: 'console', channelId: 'helpdesk' }, messageId: 'esc-9' }, { reason: 'x', facts: {}, severity: 'info' })).rejects.toMatchObject({ code: 'chat.bad_request' });
  });
});
