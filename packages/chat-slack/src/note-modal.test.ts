import { CHAT_ACTIONS } from '@keyward/core';
import { buildNoteModal, decodeNoteContext, encodeNoteContext, isNoteAction, isNoteRequired, PRIVATE_METADATA_MAX } from './note-modal';
import type { NoteContext } from './note-modal';

const context: NoteContext = {
  actionId: CHAT_ACTIONS.caseReject,
  value: 'req-7',
  userId: 'U0HANK0001',
  teamId: 'T0HOME001',
  channelId: 'C0HELPDESK',
  threadId: '1736154000.000100',
  messageId: '1736154000.000200',
};

describe('note modal context (private_metadata)', () => {
  it('round-trips the click context', () => {
    const encoded = encodeNoteContext(context);
    expect(encoded).toBeDefined();
    expect(decodeNoteContext(encoded)).toEqual(context);
  });

  it('does not produce metadata over Slack’s 3000-character limit', () => {
    expect(encodeNoteContext({ ...context, value: 'x'.repeat(PRIVATE_METADATA_MAX) })).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ v: 2, a: CHAT_ACTIONS.deny, val: 'x', u: 'U1', c: 'C1' })],
    ['an action that takes no note', JSON.stringify({ v: 1, a: CHAT_ACTIONS.approve, val: 'x', u: 'U1', c: 'C1' })],
    ['no clicker', JSON.stringify({ v: 1, a: CHAT_ACTIONS.deny, val: 'x', c: 'C1' })],
    ['a non-string thread', JSON.stringify({ v: 1, a: CHAT_ACTIONS.deny, val: 'x', u: 'U1', c: 'C1', th: 5 })],
  ])('refuses %s', (_name, raw) => {
    expect(decodeNoteContext(raw)).toBeUndefined();
  });
});

describe('buildNoteModal', () => {
  it('requires a note for resolve and reject, not for deny', () => {
    expect([CHAT_ACTIONS.caseResolve, CHAT_ACTIONS.caseReject, CHAT_ACTIONS.deny].map(isNoteAction)).toEqual([true, true, true]);
    expect([CHAT_ACTIONS.approve, CHAT_ACTIONS.caseTake].map(isNoteAction)).toEqual([false, false]);
    expect(isNoteRequired(CHAT_ACTIONS.deny)).toBe(false);
    const resolve = buildNoteModal(CHAT_ACTIONS.caseResolve, '{}');
    const deny = buildNoteModal(CHAT_ACTIONS.deny, '{}');
    expect(resolve.blocks[0]).toMatchObject({ type: 'input', optional: false, element: { type: 'plain_text_input', max_length: 1000, min_length: 1 } });
    expect(deny.blocks[0]).toMatchObject({ type: 'input', optional: true });
    for (const view of [resolve, deny]) {
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.submit.text.length).toBeLessThanOrEqual(24);
    }
  });
});
