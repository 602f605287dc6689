import type { InboundAction } from '@keyward/core';
import { decodeNoteContext, isNoteRequired, NOTE_BLOCK_ID, NOTE_INPUT_ACTION_ID, NOTE_MAX_LENGTH } from './note-modal';
import { readViewSubmission } from './slack-event-readers';
import type { SlackListenerDeps } from './slack-message-listener';

/** Slack's answer that keeps the modal open and shows a message under the named input block. */
export interface ViewErrorsResponse {
  response_action: 'errors';
  errors: Record<string, string>;
}

export interface SlackViewArgs {
  body: unknown;
  /** Bolt's ack: no argument closes the modal; `errors` keeps it open with the messages shown. */
  ack: (response?: ViewErrorsResponse) => Promise<void>;
}

export const NOTE_FORM_EXPIRED = 'This form is no longer valid. Close it and click the button on the card again.';
export const NOTE_FORM_NOT_YOURS = 'This form was opened by someone else.';
export const NOTE_NEEDED = 'Write a note: the requester will see it.';

const errorsOn = (message: string): ViewErrorsResponse => ({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: message } });

/**
 * A submitted note modal becomes ONE `onAction` call with the note and the click's context.
 *
 * - The eventId is `slack:view:<view id>`: a view id names one opened modal, and it is the same on a
 *   redelivery or a second press of Submit while the first is in flight, so the core's durable dedup
 *   sees the same id; this process also drops a repeat it is already handling or has handled.
 * - Only the user who clicked may submit: the clicker's id rides in `private_metadata` and must equal
 *   the submission's `user.id` (both come from Slack, inside a signed request).
 * - Validation answers in the modal (`response_action: errors`) so the user can fix the note; a valid
 *   submission is acked (the modal closes) before the core runs, inside Slack's 3 s.
 */
export async function onSlackNoteSubmission(args: SlackViewArgs, deps: SlackListenerDeps): Promise<void> {
  const submission = readViewSubmission(args.body);
  const log = deps.logger.child({ viewId: submission.viewId });
  const context = decodeNoteContext(submission.privateMetadata);
  if (context === undefined || submission.viewId === undefined || submission.userId === undefined) {
    log.warn({}, 'note submission without a valid context refused');
    await args.ack(errorsOn(NOTE_FORM_EXPIRED));
    return;
  }
  if (submission.userId !== context.userId || (context.teamId !== undefined && submission.userTeamId !== undefined && submission.userTeamId !== context.teamId)) {
    log.warn({ clicker: context.userId, submitter: submission.userId, actionId: context.actionId }, 'note submitted by someone other than the clicker refused');
    await args.ack(errorsOn(NOTE_FORM_NOT_YOURS));
    return;
  }
  const raw = submission.inputValue(NOTE_BLOCK_ID, NOTE_INPUT_ACTION_ID) ?? '';
  const note = raw.trim();
  if (note.length === 0 && isNoteRequired(context.actionId)) {
    await args.ack(errorsOn(NOTE_NEEDED));
    return;
  }
  if (note.length > NOTE_MAX_LENGTH) {
    await args.ack(errorsOn(`Keep the note under ${NOTE_MAX_LENGTH} characters.`));
    return;
  }

  const eventId = `slack:view:${submission.viewId}`;
  if (!deps.recent.firstSighting(eventId)) {
    log.info({ eventId }, 'repeated note submission acked and dropped');
    await args.ack();
    return;
  }
  await args.ack();

  const action: InboundAction = {
    eventId,
    conversation: { surface: 'slack', channelId: context.channelId },
    chatUserId: submission.userId,
    actionId: context.actionId,
    value: context.value,
    receivedAt: deps.clock.now(),
  };
  if (context.threadId !== undefined) action.conversation.threadId = context.threadId;
  if (context.messageId !== undefined) action.messageId = context.messageId;
  const teamId = submission.userTeamId ?? context.teamId;
  if (teamId !== undefined) action.chatTeamId = teamId;
  if (note.length > 0) action.note = note;
  try {
    await deps.handlers.onAction(action);
  } catch (error) {
    // Not handled: a retry of the same view may try again (the core dedups by eventId if it did persist).
    deps.recent.forget(eventId);
    log.error({ err: error instanceof Error ? error.message : String(error), actionId: action.actionId }, 'onAction failed for a note submission');
  }
}
