/**
 * Runtime readers for the Slack payload fields we act on. Bolt's TypeScript unions describe what
 * Slack *should* send; these check what actually arrived, at the protocol boundary.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(obj: Json, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A `message` event as far as routing needs it. */
export interface SlackMessageFields {
  subtype?: string;
  channel?: string;
  channelType?: string;
  user?: string;
  /** Sender's home team (Slack Connect aware); `team` is the fallback Slack documents. */
  team?: string;
  text: string;
  ts?: string;
  threadTs?: string;
  botId?: string;
  /** message_changed: the message after the edit. */
  edited?: { user?: string; text: string; ts?: string; threadTs?: string; botId?: string; subtype?: string; hasEditedMark: boolean };
  /** message_changed: text before the edit. */
  previousText?: string;
}

export function readMessageEvent(event: unknown): SlackMessageFields {
  const e = isObject(event) ? event : {};
  const fields: SlackMessageFields = { text: typeof e['text'] === 'string' ? e['text'] : '' };
  const set = <K extends keyof SlackMessageFields>(key: K, value: SlackMessageFields[K] | undefined): void => {
    if (value !== undefined) fields[key] = value;
  };
  set('subtype', str(e, 'subtype'));
  set('channel', str(e, 'channel'));
  set('channelType', str(e, 'channel_type'));
  set('user', str(e, 'user'));
  set('team', str(e, 'user_team') ?? str(e, 'team'));
  set('ts', str(e, 'ts'));
  set('threadTs', str(e, 'thread_ts'));
  set('botId', str(e, 'bot_id'));
  const message = e['message'];
  if (isObject(message)) {
    const edited: NonNullable<SlackMessageFields['edited']> = {
      text: typeof message['text'] === 'string' ? message['text'] : '',
      hasEditedMark: isObject(message['edited']),
    };
    const user = str(message, 'user');
    const ts = str(message, 'ts');
    const threadTs = str(message, 'thread_ts');
    const botId = str(message, 'bot_id');
    const subtype = str(message, 'subtype');
    if (user !== undefined) edited.user = user;
    if (ts !== undefined) edited.ts = ts;
    if (threadTs !== undefined) edited.threadTs = threadTs;
    if (botId !== undefined) edited.botId = botId;
    if (subtype !== undefined) edited.subtype = subtype;
    fields.edited = edited;
  }
  const previous = e['previous_message'];
  if (isObject(previous) && typeof previous['text'] === 'string') fields.previousText = previous['text'];
  return fields;
}

/** The Events API envelope's `event_id`: the same on every redelivery of one event. */
export function readEnvelopeEventId(body: unknown): string | undefined {
  return isObject(body) ? str(body, 'event_id') : undefined;
}

/** The parts of a block_actions payload an InboundAction is built from. */
export interface SlackBlockActionFields {
  userId?: string;
  userTeamId?: string;
  triggerId?: string;
  containerType?: string;
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
}

export function readBlockActionBody(body: unknown): SlackBlockActionFields {
  const b = isObject(body) ? body : {};
  const user = isObject(b['user']) ? b['user'] : {};
  const container = isObject(b['container']) ? b['container'] : {};
  const channel = isObject(b['channel']) ? b['channel'] : {};
  const message = isObject(b['message']) ? b['message'] : {};
  const fields: SlackBlockActionFields = {};
  const set = <K extends keyof SlackBlockActionFields>(key: K, value: string | undefined): void => {
    if (value !== undefined) fields[key] = value;
  };
  set('userId', str(user, 'id'));
  set('userTeamId', str(user, 'team_id'));
  set('triggerId', str(b, 'trigger_id'));
  set('containerType', str(container, 'type'));
  set('channelId', str(channel, 'id') ?? str(container, 'channel_id'));
  set('messageTs', str(container, 'message_ts') ?? str(message, 'ts'));
  set('threadTs', str(message, 'thread_ts') ?? str(container, 'thread_ts'));
  return fields;
}

/** `actions[]` element of a button click. */
export interface SlackButtonAction {
  actionId: string;
  value: string;
  actionTs?: string;
}

export function readButtonAction(action: unknown): SlackButtonAction | undefined {
  if (!isObject(action)) return undefined;
  const actionId = str(action, 'action_id');
  if (actionId === undefined) return undefined;
  const result: SlackButtonAction = { actionId, value: typeof action['value'] === 'string' ? action['value'] : '' };
  const actionTs = str(action, 'action_ts');
  if (actionTs !== undefined) result.actionTs = actionTs;
  return result;
}

/** The parts of a `view_submission` payload the note flow acts on. */
export interface SlackViewSubmissionFields {
  userId?: string;
  userTeamId?: string;
  viewId?: string;
  callbackId?: string;
  privateMetadata?: string;
  /** `view.state.values[blockId][actionId].value`: a string, or null for an empty optional input. */
  inputValue(blockId: string, actionId: string): string | null | undefined;
}

export function readViewSubmission(body: unknown): SlackViewSubmissionFields {
  const b = isObject(body) ? body : {};
  const user = isObject(b['user']) ? b['user'] : {};
  const view = isObject(b['view']) ? b['view'] : {};
  const state = isObject(view['state']) ? view['state'] : {};
  const values = isObject(state['values']) ? state['values'] : {};
  const fields: SlackViewSubmissionFields = {
    inputValue(blockId, actionId) {
      const block = values[blockId];
      const input = isObject(block) ? block[actionId] : undefined;
      if (!isObject(input)) return undefined;
      const value = input['value'];
      return typeof value === 'string' ? value : value === null ? null : undefined;
    },
  };
  const set = <K extends 'userId' | 'userTeamId' | 'viewId' | 'callbackId' | 'privateMetadata'>(key: K, value: string | undefined): void => {
    if (value !== undefined) fields[key] = value;
  };
  set('userId', str(user, 'id'));
  set('userTeamId', str(user, 'team_id'));
  set('viewId', str(view, 'id'));
  set('callbackId', str(view, 'callback_id'));
  set('privateMetadata', str(view, 'private_metadata'));
  return fields;
}
