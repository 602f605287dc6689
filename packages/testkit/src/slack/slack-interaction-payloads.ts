import { randomBytes } from 'node:crypto';
import { SLACK_FAKE_IDS } from './slack-fake-users';
import { newSlackTs } from './slack-event-envelopes';

type Json = Record<string, unknown>;

export interface BlockActionsOptions {
  /** Issue it from the fake (`fake.issueTriggerId()`) so views.open accepts it. */
  triggerId: string;
  actionId: string;
  value: string;
  user?: string;
  /** The clicker's home team (`user.team_id`); differs from `team.id` for Slack Connect users. */
  userTeamId?: string;
  teamId?: string;
  channel?: string;
  /** ts of the bot message that carried the button. */
  messageTs?: string;
  /** Thread root of that message, when it was posted in a thread. */
  threadTs?: string;
  blockId?: string;
  apiAppId?: string;
  /** Unix seconds with microseconds, as in `action_ts`. */
  actionTs?: string;
}

/** A `block_actions` interaction payload for a button click on a bot message. */
export function buildBlockActionsPayload(options: BlockActionsOptions): Json {
  const user = options.user ?? SLACK_FAKE_IDS.alice;
  const teamId = options.teamId ?? SLACK_FAKE_IDS.homeTeamId;
  const channel = options.channel ?? `D${user.slice(1)}`;
  const messageTs = options.messageTs ?? newSlackTs();
  const blockId = options.blockId ?? 'keyward.actions';
  const message: Json = {
    type: 'message',
    user: SLACK_FAKE_IDS.botUserId,
    bot_id: SLACK_FAKE_IDS.botId,
    app_id: options.apiAppId ?? SLACK_FAKE_IDS.apiAppId,
    text: 'fallback text',
    ts: messageTs,
    team: teamId,
    blocks: [
      {
        type: 'actions',
        block_id: blockId,
        elements: [
          { type: 'button', action_id: options.actionId, value: options.value, text: { type: 'plain_text', text: 'Go' } },
        ],
      },
    ],
  };
  const container: Json = { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false };
  if (options.threadTs !== undefined) {
    message['thread_ts'] = options.threadTs;
    container['thread_ts'] = options.threadTs;
  }
  return {
    type: 'block_actions',
    user: { id: user, username: 'someone', name: 'someone', team_id: options.userTeamId ?? teamId },
    api_app_id: options.apiAppId ?? SLACK_FAKE_IDS.apiAppId,
    token: 'legacy-verification-token',
    container,
    trigger_id: options.triggerId,
    team: { id: teamId, domain: 'keyward-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'directmessage' },
    message,
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${teamId}/${randomBytes(5).toString('hex')}`,
    actions: [
      {
        action_id: options.actionId,
        block_id: blockId,
        text: { type: 'plain_text', text: 'Go', emoji: true },
        value: options.value,
        type: 'button',
        action_ts: options.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      },
    ],
  };
}
