import { CHAT_ACTIONS, NOTE_ACTIONS } from '@keyward/core';
import type { ChatActionId, InboundAction } from '@keyward/core';
import type { SlackBlock } from './block-kit-renderer';
import { fitPlainText } from './mrkdwn-escape';

/**
 * The modal that collects a note before a NOTE_ACTIONS click (resolve / reject a case, deny an
 * approval) reaches the core. Slack gives the click no text field, so the click opens this modal with
 * its trigger_id (valid 3 s) and the core hears about it only when the modal is submitted.
 */

/** Routes `view_submission`s to our listener (Slack echoes `callback_id`; max 255 characters). */
export const NOTE_MODAL_CALLBACK_ID = 'keyward.note';
export const NOTE_BLOCK_ID = 'keyward.note';
export const NOTE_INPUT_ACTION_ID = 'note';
/** Same limit as the console, so a note means the same on every surface. */
export const NOTE_MAX_LENGTH = 1000;

/**
 * Resolve and reject tell the requester what happened, so they need words; an approver may deny
 * without explaining (the requester is told "denied" either way).
 */
const NOTE_REQUIRED: ReadonlySet<ChatActionId> = new Set([CHAT_ACTIONS.caseResolve, CHAT_ACTIONS.caseReject]);

export function isNoteAction(actionId: ChatActionId): boolean {
  return NOTE_ACTIONS.includes(actionId);
}

export function isNoteRequired(actionId: ChatActionId): boolean {
  return NOTE_REQUIRED.has(actionId);
}

interface NoteCopy {
  /** Slack limits title, submit and close to 24 characters. */
  title: string;
  submit: string;
  label: string;
  hint: string;
}

const COPY: Partial<Record<ChatActionId, NoteCopy>> = {
  [CHAT_ACTIONS.caseResolve]: {
    title: 'Resolve case',
    submit: 'Resolve',
    label: 'Note to the requester',
    hint: 'The requester sees this note. Never paste a password or a reset link here.',
  },
  [CHAT_ACTIONS.caseReject]: {
    title: 'Reject case',
    submit: 'Reject',
    label: 'Reason for the requester',
    hint: 'The requester sees this reason. Never paste a password or a reset link here.',
  },
  [CHAT_ACTIONS.deny]: {
    title: 'Deny request',
    submit: 'Deny',
    label: 'Reason (optional)',
    hint: 'The requester sees this reason if you give one.',
  },
};

/**
 * What the click knew, carried through the modal in `private_metadata` (max 3000 characters). Slack
 * stores it server-side and echoes it verbatim in the signed view_submission; the user cannot edit
 * it. It holds ids and the button value only — nothing secret.
 */
export interface NoteContext {
  actionId: ChatActionId;
  value: string;
  /** The clicker: only they may submit (checked against the submission's `user.id`). */
  userId: string;
  teamId?: string;
  channelId: string;
  threadId?: string;
  messageId?: string;
}

interface WireContext {
  v: 1;
  a: string;
  val: string;
  u: string;
  t?: string;
  c: string;
  th?: string;
  m?: string;
}

export const PRIVATE_METADATA_MAX = 3000;

export function noteContextOf(action: InboundAction): NoteContext {
  const context: NoteContext = {
    actionId: action.actionId,
    value: action.value,
    userId: action.chatUserId,
    channelId: action.conversation.channelId,
  };
  if (action.chatTeamId !== undefined) context.teamId = action.chatTeamId;
  if (action.conversation.threadId !== undefined) context.threadId = action.conversation.threadId;
  if (action.messageId !== undefined) context.messageId = action.messageId;
  return context;
}

/** Undefined when it would not fit Slack's limit (the modal is then not opened). */
export function encodeNoteContext(context: NoteContext): string | undefined {
  const wire: WireContext = { v: 1, a: context.actionId, val: context.value, u: context.userId, c: context.channelId };
  if (context.teamId !== undefined) wire.t = context.teamId;
  if (context.threadId !== undefined) wire.th = context.threadId;
  if (context.messageId !== undefined) wire.m = context.messageId;
  const encoded = JSON.stringify(wire);
  return encoded.length <= PRIVATE_METADATA_MAX ? encoded : undefined;
}

function optionalString(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Undefined for anything that is not a context we wrote (wrong version, unknown action, bad field). */
export function decodeNoteContext(raw: string | undefined): NoteContext | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > PRIVATE_METADATA_MAX) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const w = parsed as Record<string, unknown>;
  const actionId = NOTE_ACTIONS.find((id) => id === w['a']);
  if (w['v'] !== 1 || actionId === undefined || typeof w['val'] !== 'string') return undefined;
  if (typeof w['u'] !== 'string' || w['u'].length === 0 || typeof w['c'] !== 'string' || w['c'].length === 0) return undefined;
  const teamId = optionalString(w['t']);
  const threadId = optionalString(w['th']);
  const messageId = optionalString(w['m']);
  if (teamId === null || threadId === null || messageId === null) return undefined;
  const context: NoteContext = { actionId, value: w['val'], userId: w['u'], channelId: w['c'] };
  if (teamId !== undefined) context.teamId = teamId;
  if (threadId !== undefined) context.threadId = threadId;
  if (messageId !== undefined) context.messageId = messageId;
  return context;
}

export interface SlackInputModalView {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: { type: 'plain_text'; text: string };
  submit: { type: 'plain_text'; text: string };
  close: { type: 'plain_text'; text: string };
  blocks: SlackBlock[];
}

export function buildNoteModal(actionId: ChatActionId, privateMetadata: string): SlackInputModalView {
  const copy = COPY[actionId] ?? { title: 'Add a note', submit: 'Send', label: 'Note', hint: 'The requester may see this note.' };
  const required = isNoteRequired(actionId);
  const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: fitPlainText(text, max) });
  return {
    type: 'modal',
    callback_id: NOTE_MODAL_CALLBACK_ID,
    private_metadata: privateMetadata,
    title: plain(copy.title, 24),
    submit: plain(copy.submit, 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: NOTE_BLOCK_ID,
        // Slack refuses an empty submission of a required input itself; we check again on arrival.
        optional: !required,
        label: plain(copy.label, 2000),
        element: {
          type: 'plain_text_input',
          action_id: NOTE_INPUT_ACTION_ID,
          multiline: true,
          max_length: NOTE_MAX_LENGTH,
          ...(required ? { min_length: 1 } : {}),
        },
      },
      // plain_text, emoji:false: our own copy, shown exactly as written.
      { type: 'context', elements: [{ type: 'plain_text', text: copy.hint, emoji: false }] },
    ],
  };
}
