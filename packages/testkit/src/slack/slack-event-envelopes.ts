import { randomBytes } from 'node:crypto';
import { SLACK_FAKE_IDS } from './slack-fake-users';

/**
 * Builders for Events API bodies in Slack's documented outer envelope (`type: "event_callback"`,
 * `event_id`, `event_time`, `team_id`, `api_app_id`, `authorizations`) around the inner event.
 * Defaults match the fake's seeded workspace so an app wired to the fake sees a consistent world.
 */
type Json = Record<string, unknown>;

export interface EnvelopeOptions {
  eventId?: string;
  /** Unix seconds. */
  eventTime?: number;
  teamId?: string;
  apiAppId?: string;
  botUserId?: string;
}

export interface SlackEventEnvelope extends Json {
  type: 'event_callback';
  event_id: string;
  event_time: number;
  team_id: string;
  api_app_id: string;
  event: Json;
}

export function newSlackEventId(): string {
  return `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** Slack message timestamps are "seconds.microseconds" strings, unique per channel. */
export function newSlackTs(seconds = Math.floor(Date.now() / 1000)): string {
  return `${seconds}.${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
}

export function wrapSlackEvent(event: Json, options: EnvelopeOptions = {}): SlackEventEnvelope {
  const teamId = options.teamId ?? SLACK_FAKE_IDS.homeTeamId;
  return {
    token: 'legacy-verification-token',
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: options.apiAppId ?? SLACK_FAKE_IDS.apiAppId,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? newSlackEventId(),
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    // Which installation(s) this event is delivered for: our bot in the home workspace.
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: options.botUserId ?? SLACK_FAKE_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
}

export interface DirectMessageOptions extends EnvelopeOptions {
  user?: string;
  /** The sender's home team; differs from `team_id` for Slack Connect senders. */
  userTeam?: string;
  channel?: string;
  text: string;
  ts?: string;
  threadTs?: string;
  /** Set to model a message posted by a bot / app. */
  botId?: string;
  subtype?: string;
}

/** A `message` event in a DM with the bot (delivered for the `message.im` subscription). */
export function buildDirectMessageEvent(options: DirectMessageOptions): SlackEventEnvelope {
  const user = options.user ?? SLACK_FAKE_IDS.alice;
  const ts = options.ts ?? newSlackTs();
  const userTeam = options.userTeam ?? options.teamId ?? SLACK_FAKE_IDS.homeTeamId;
  const event: Json = {
    type: 'message',
    ...(options.subtype === undefined ? {} : { subtype: options.subtype }),
    user,
    text: options.text,
    ts,
    event_ts: ts,
    channel: options.channel ?? `D${user.slice(1)}`,
    channel_type: 'im',
    team: userTeam,
    user_team: userTeam,
    source_team: userTeam,
    client_msg_id: randomBytes(16).toString('hex'),
    blocks: [
      {
        type: 'rich_text',
        block_id: randomBytes(3).toString('hex'),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: options.text }] }],
      },
    ],
  };
  if (options.threadTs !== undefined) event['thread_ts'] = options.threadTs;
  if (options.botId !== undefined) {
    event['bot_id'] = options.botId;
    event['bot_profile'] = { id: options.botId, name: 'some bot', team_id: userTeam };
  }
  return wrapSlackEvent(event, options);
}

export interface MessageChangedOptions extends EnvelopeOptions {
  user?: string;
  channel?: string;
  /** ts of the original message (the edit keeps it). */
  originalTs: string;
  threadTs?: string;
  previousText: string;
  newText: string;
  /** false models an unfurl / attachment change: Slack sends message_changed without `edited`. */
  edited?: boolean;
  botId?: string;
}

/**
 * An edit: `subtype: "message_changed"`, `hidden: true`, the new message under `message`
 * (with `edited`), the old one under `previous_message`; no top-level `user` or `text`.
 */
export function buildMessageChangedEvent(options: MessageChangedOptions): SlackEventEnvelope {
  const user = options.user ?? SLACK_FAKE_IDS.alice;
  const channel = options.channel ?? `D${user.slice(1)}`;
  const eventTs = newSlackTs();
  const base: Json = { type: 'message', user, ts: options.originalTs };
  if (options.threadTs !== undefined) base['thread_ts'] = options.threadTs;
  if (options.botId !== undefined) base['bot_id'] = options.botId;
  const message: Json = { ...base, text: options.newText };
  if (options.edited ?? true) message['edited'] = { user, ts: eventTs };
  return wrapSlackEvent(
    {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      message,
      previous_message: { ...base, text: options.previousText },
      channel,
      channel_type: 'im',
      ts: eventTs,
      event_ts: eventTs,
    },
    options,
  );
}

export interface AppMentionOptions extends EnvelopeOptions {
  user?: string;
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
}

/** `app_mention`: someone wrote `<@BOT>` in a channel the bot is in. */
export function buildAppMentionEvent(options: AppMentionOptions): SlackEventEnvelope {
  const user = options.user ?? SLACK_FAKE_IDS.alice;
  const ts = options.ts ?? newSlackTs();
  const event: Json = {
    type: 'app_mention',
    user,
    text: options.text,
    ts,
    event_ts: ts,
    channel: options.channel,
    team: options.teamId ?? SLACK_FAKE_IDS.homeTeamId,
  };
  if (options.threadTs !== undefined) event['thread_ts'] = options.threadTs;
  return wrapSlackEvent(event, options);
}

/** A channel `message` (delivered for `message.channels`), which the bot should not act on. */
export function buildChannelMessageEvent(options: AppMentionOptions): SlackEventEnvelope {
  const envelope = buildAppMentionEvent(options);
  envelope.event = { ...envelope.event, type: 'message', channel_type: 'channel' };
  return envelope;
}

/** Sent once when the Request URL is configured; the app must echo `challenge`. */
export function buildUrlVerification(challenge = randomBytes(16).toString('hex')): Json {
  return { token: 'legacy-verification-token', challenge, type: 'url_verification' };
}
