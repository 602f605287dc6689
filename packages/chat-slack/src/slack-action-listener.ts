import type { types as slackTypes, webApi } from '@slack/bolt';
import { CHAT_ACTIONS, isAppError } from '@keyward/core';
import type { InboundAction } from '@keyward/core';
import { parseSlackActionId } from './block-kit-renderer';
import { buildNoteModal, encodeNoteContext, isNoteAction, noteContextOf } from './note-modal';
import type { SlackInputModalView } from './note-modal';
import { buildErrorModal, buildSecretModal } from './secret-modal';
import type { SlackModalView } from './secret-modal';
import { readBlockActionBody, readButtonAction } from './slack-event-readers';
import type { SlackListenerDeps } from './slack-message-listener';

export interface SlackActionArgs {
  body: unknown;
  action: unknown;
  client: webApi.WebClient;
}

const GENERIC_REVEAL_FAILURE = "I couldn't show this secret. Ask the helpdesk for help, or make a new request.";

/** Our modal builders emit plain JSON (checked against Slack's limits by the fake), not Bolt's unions. */
function asSlackView(view: SlackModalView | SlackInputModalView): slackTypes.View {
  return view as unknown as slackTypes.View;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A click on a button whose action_id starts with `keyward.` (Bolt has already acked it).
 * Interactions carry no event_id; `action_ts` is unique per click, so a double click is two
 * distinct actions and single-use is enforced by the core, not here.
 */
export async function onSlackBlockAction(args: SlackActionArgs, deps: SlackListenerDeps): Promise<void> {
  const fields = readBlockActionBody(args.body);
  const button = readButtonAction(args.action);
  if (button === undefined || fields.userId === undefined) return;
  const actionId = parseSlackActionId(button.actionId);
  // Clicks inside our modals (the link button) and unknown ids are acked and otherwise ignored.
  if (actionId === undefined || fields.containerType !== 'message') return;
  if (fields.channelId === undefined) return;

  const action: InboundAction = {
    eventId: `slack:action:${fields.userId}:${button.actionTs ?? fields.triggerId ?? 'unknown'}`,
    conversation: { surface: 'slack', channelId: fields.channelId },
    chatUserId: fields.userId,
    actionId,
    value: button.value,
    receivedAt: deps.clock.now(),
  };
  const threadId = fields.threadTs ?? fields.messageTs;
  if (threadId !== undefined) action.conversation.threadId = threadId;
  if (fields.messageTs !== undefined) action.messageId = fields.messageTs;
  if (fields.userTeamId !== undefined) action.chatTeamId = fields.userTeamId;
  const log = deps.logger.child({ actionEventId: action.eventId, actionId });

  if (actionId === CHAT_ACTIONS.revealSecret) {
    await revealSecret(args, deps, action, fields.triggerId, log);
    return;
  }
  if (isNoteAction(actionId)) {
    // The core hears about this click only when the note modal is submitted (slack-view-listener).
    await openNoteModal(args, action, fields.triggerId, log);
    return;
  }
  try {
    await deps.handlers.onAction(action);
  } catch (error) {
    log.error({ err: errorText(error) }, 'onAction failed');
  }
}

/**
 * Takes the secret from the core (one DELETE … RETURNING: milliseconds) and opens the modal that shows
 * it in the same breath, while the click's trigger_id is alive (Slack: 3 s). The secret only ever
 * travels in `views.open` — never chat.postMessage / chat.update, never a log line.
 * If Slack refuses the modal (expired_trigger_id), the single-use secret is gone: the user is told
 * in the thread to ask again, which issues a fresh link and voids this one (fail closed).
 */
async function revealSecret(
  args: SlackActionArgs,
  deps: SlackListenerDeps,
  action: InboundAction,
  triggerId: string | undefined,
  log: SlackListenerDeps['logger'],
): Promise<void> {
  if (triggerId === undefined) {
    log.warn({}, 'reveal click without trigger_id');
    return;
  }
  let view: SlackModalView;
  let revealed = false;
  try {
    view = buildSecretModal(await deps.handlers.onRevealSecret(action));
    revealed = true;
  } catch (error) {
    // AppError messages for secret.* are user-safe by the port's contract; anything else is not shown.
    const sentence = isAppError(error) && error.code.startsWith('secret.') ? error.message : GENERIC_REVEAL_FAILURE;
    log.warn({ code: isAppError(error) ? error.code : 'unknown' }, 'secret not revealed');
    view = buildErrorModal(sentence);
  }
  try {
    await args.client.views.open({ trigger_id: triggerId, view: asSlackView(view) });
  } catch (error) {
    // Never log `view`: it may hold the secret.
    log.error({ err: errorText(error), revealed }, 'could not open the reveal modal');
    if (!revealed) return;
    try {
      await args.client.chat.postMessage({
        channel: action.conversation.channelId,
        thread_ts: action.conversation.threadId,
        text: LOST_REVEAL_NOTICE,
      });
    } catch (postError) {
      log.error({ err: errorText(postError) }, 'could not tell the user the reveal failed');
    }
  }
}

/** Shown only to the clicker when the note modal could not be opened; the click changed nothing. */
export const NOTE_MODAL_FAILED_NOTICE = "I couldn't open the note form in time, so nothing changed. Click the button again.";

/**
 * Opens the note modal with the click's trigger_id, right after the ack: Slack lets a trigger_id open
 * a view only within 3 s. The click's context travels in the view's `private_metadata`.
 */
async function openNoteModal(args: SlackActionArgs, action: InboundAction, triggerId: string | undefined, log: SlackListenerDeps['logger']): Promise<void> {
  const metadata = encodeNoteContext(noteContextOf(action));
  if (triggerId === undefined || metadata === undefined) {
    log.warn({ hasTrigger: triggerId !== undefined }, 'note modal not opened: no trigger_id or context too large');
    await tellClicker(args, action, log);
    return;
  }
  try {
    await args.client.views.open({ trigger_id: triggerId, view: asSlackView(buildNoteModal(action.actionId, metadata)) });
  } catch (error) {
    log.error({ err: errorText(error) }, 'could not open the note modal');
    await tellClicker(args, action, log);
  }
}

/** An ephemeral message: only the clicker sees it, and it never becomes channel history. */
async function tellClicker(args: SlackActionArgs, action: InboundAction, log: SlackListenerDeps['logger']): Promise<void> {
  try {
    await args.client.chat.postEphemeral({
      channel: action.conversation.channelId,
      user: action.chatUserId,
      text: NOTE_MODAL_FAILED_NOTICE,
      ...(action.conversation.threadId === undefined ? {} : { thread_ts: action.conversation.threadId }),
    });
  } catch (error) {
    log.error({ err: errorText(error) }, 'could not tell the clicker the note form failed');
  }
}

/** Posted when Slack refused the modal after the single-use secret was taken. */
export const LOST_REVEAL_NOTICE =
  "Slack didn't let me open the window with your link in time, so it is gone for safety. Say \"reset my password\" and I'll send a new one.";
