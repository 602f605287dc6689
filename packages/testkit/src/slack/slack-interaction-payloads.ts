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

/** The parts of an opened modal a submission echoes back (the fake's `views` entries have them). */
export interface SubmittedViewSource {
  id: string;
  hash: string;
  view: Json;
}

export interface ViewSubmissionOptions {
  /** The modal as opened, e.g. `fake.views.get(id)` or the last `views.open` call's view. */
  view: SubmittedViewSource;
  /** What the user typed: `values[block_id][action_id]`; `null` is an empty optional input. */
  values?: Record<string, Record<string, string | null>>;
  user?: string;
  userTeamId?: string;
  teamId?: string;
  apiAppId?: string;
  triggerId?: string;
}

/**
 * A `view_submission` payload, as Slack sends it when the user presses the modal's submit button:
 * the whole view (with its `private_metadata` and `callback_id`, exactly as the app set them, plus
 * `id` and `hash`) and `view.state.values` holding each input's value.
 */
export function buildViewSubmissionPayload(options: ViewSubmissionOptions): Json {
  const user = options.user ?? SLACK_FAKE_IDS.alice;
  const teamId = options.teamId ?? SLACK_FAKE_IDS.homeTeamId;
  const appId = options.apiAppId ?? SLACK_FAKE_IDS.apiAppId;
  const values: Record<string, Record<string, Json>> = {};
  for (const [blockId, actions] of Object.entries(options.values ?? {})) {
    values[blockId] = {};
    for (const [actionId, value] of Object.entries(actions)) {
      (values[blockId] as Record<string, Json>)[actionId] = { type: 'plain_text_input', value };
    }
  }
  const source = options.view.view;
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'keyward-test' },
    user: { id: user, username: 'someone', name: 'someone', team_id: options.userTeamId ?? teamId },
    api_app_id: appId,
    token: 'legacy-verification-token',
    trigger_id: options.triggerId ?? `${Math.floor(Date.now() / 1000)}.1.${randomBytes(16).toString('hex')}`,
    view: {
      id: options.view.id,
      team_id: teamId,
      type: 'modal',
      blocks: source['blocks'] ?? [],
      private_metadata: typeof source['private_metadata'] === 'string' ? source['private_metadata'] : '',
      callback_id: typeof source['callback_id'] === 'string' ? source['callback_id'] : '',
      state: { values },
      hash: options.view.hash,
      title: source['title'],
      clear_on_close: false,
      notify_on_close: false,
      close: source['close'] ?? null,
      submit: source['submit'] ?? null,
      previous_view_id: null,
      root_view_id: options.view.id,
      app_id: appId,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: SLACK_FAKE_IDS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
