import type { webApi } from '@slack/bolt';
import type { types as slackTypes } from '@slack/bolt';
import type { Clock, InboundHandlers, InboundMessage, Logger, RecentIds } from '@keyward/core';
import { renderOutboundMessage } from './block-kit-renderer';
import { readEnvelopeEventId, readMessageEvent } from './slack-event-readers';

/** F01: an edit never re-runs as a command; the user is told how to ask again. */
export const EDIT_NOTICE =
  "I saw you edited your message; edits don't change a request — send a new message if you need something else.";

export const DM_ONLY_NOTICE = "I only take requests in a direct message — DM me and I'll help you there.";

export interface SlackListenerDeps {
  handlers: InboundHandlers;
  logger: Logger;
  clock: Clock;
  recent: RecentIds;
}

export interface SlackEventArgs {
  event: unknown;
  body: unknown;
  /** From Bolt's context (auth.test): our own bot user, whose messages we never handle. */
  botUserId?: string;
  /** X-Slack-Retry-Num of this delivery, when Slack is redelivering. */
  retryNum?: number;
  client: webApi.WebClient;
}

async function postNotice(args: SlackEventArgs, deps: SlackListenerDeps, channel: string, threadTs: string, text: string): Promise<void> {
  const rendered = renderOutboundMessage({ text, tone: 'info' });
  try {
    await args.client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: rendered.text,
      blocks: rendered.blocks as unknown as slackTypes.KnownBlock[],
      unfurl_links: false,
      unfurl_media: false,
    });
  } catch (error) {
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error), channel }, 'could not post notice');
  }
}

async function onEdit(args: SlackEventArgs, deps: SlackListenerDeps, eventId: string): Promise<void> {
  const fields = readMessageEvent(args.event);
  const edited = fields.edited;
  if (edited === undefined || fields.channel === undefined || edited.ts === undefined) return;
  // Our own chat.update calls come back as message_changed in the DM too; answering them would loop.
  if (edited.botId !== undefined || edited.subtype === 'bot_message' || edited.user === args.botUserId) return;
  // Link unfurls also arrive as message_changed, but without the `edited` mark and with the same text.
  if (!edited.hasEditedMark || edited.text === fields.previousText) return;
  if (!deps.recent.firstSighting(eventId)) return;
  deps.logger.info({ eventId, channel: fields.channel }, 'message edit ignored (F01), notice posted');
  await postNotice(args, deps, fields.channel, edited.threadTs ?? edited.ts, EDIT_NOTICE);
}

/** `message` events: only human DMs reach the core; edits get a notice; everything else is dropped. */
export async function onSlackMessageEvent(args: SlackEventArgs, deps: SlackListenerDeps): Promise<void> {
  const envelopeId = readEnvelopeEventId(args.body);
  const fields = readMessageEvent(args.event);
  const log = deps.logger.child({ slackEventId: envelopeId, retryNum: args.retryNum });
  if (envelopeId === undefined) {
    log.warn({}, 'message event without event_id ignored');
    return;
  }
  const eventId = `slack:${envelopeId}`;
  if (fields.channelType !== 'im') {
    log.debug({ channelType: fields.channelType }, 'non-DM message ignored');
    return;
  }
  if (fields.botId !== undefined || fields.subtype === 'bot_message' || fields.user === args.botUserId) {
    log.debug({}, 'bot message ignored');
    return;
  }
  if (fields.subtype === 'message_changed') {
    await onEdit(args, { ...deps, logger: log }, eventId);
    return;
  }
  if (fields.subtype !== undefined) {
    log.debug({ subtype: fields.subtype }, 'message subtype ignored');
    return;
  }
  if (fields.user === undefined || fields.channel === undefined || fields.ts === undefined) {
    log.warn({}, 'DM without user, channel or ts ignored');
    return;
  }
  const message: InboundMessage = {
    // Redeliveries keep event_id, so the core's dedup sees the same id; we still pass them on because
    // the first delivery may have failed before anything was persisted.
    eventId,
    conversation: { surface: 'slack', channelId: fields.channel, threadId: fields.threadTs ?? fields.ts },
    chatUserId: fields.user,
    messageId: fields.ts,
    text: fields.text,
    receivedAt: deps.clock.now(),
  };
  if (fields.team !== undefined) message.chatTeamId = fields.team;
  const mentioned = slackMentions(fields.text, args.botUserId);
  if (mentioned.length > 0) message.mentionedUserIds = mentioned;
  try {
    await deps.handlers.onMessage(message);
  } catch (error) {
    log.error({ err: error instanceof Error ? error.message : String(error) }, 'onMessage failed');
  }
}

/**
 * User ids mentioned in a message's text: Slack writes a mention as `<@U123>` or `<@U123|name>`
 * (`W…` for Enterprise Grid users). The bot's own mention is left out.
 */
export function slackMentions(text: string, botUserId: string | undefined): string[] {
  const ids = [...text.matchAll(/<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g)].map((m) => m[1] ?? '');
  return [...new Set(ids)].filter((id) => id !== '' && id !== botUserId);
}

/** `app_mention` in a channel: requests are only taken in DMs, so point the user there. */
export async function onSlackAppMention(args: SlackEventArgs, deps: SlackListenerDeps): Promise<void> {
  const envelopeId = readEnvelopeEventId(args.body);
  const fields = readMessageEvent(args.event);
  if (envelopeId === undefined || fields.channel === undefined || fields.ts === undefined) return;
  if (fields.botId !== undefined || fields.user === args.botUserId) return;
  if (!deps.recent.firstSighting(`slack:${envelopeId}`)) return;
  await postNotice(args, deps, fields.channel, fields.threadTs ?? fields.ts, DM_ONLY_NOTICE);
}
