import { randomBytes } from 'node:crypto';
import { validateBlocks, validateModal } from './slack-block-validation';
import type { SlackFakeUser } from './slack-fake-users';

type Json = Record<string, unknown>;

/** What one Web API method answers: Slack replies HTTP 200 with `ok:false` for API-level errors. */
export type SlackMethodResult = { ok: true } & Json | { ok: false; error: string } & Json;

export interface PostedSlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown;
  /** Bumped by chat.update. */
  edits: number;
}

export interface OpenedSlackView {
  id: string;
  hash: string;
  view: Json;
  triggerId: string;
}

export interface SlackFakeState {
  readonly now: () => number;
  readonly triggerTtlMs: number;
  readonly emailScope: boolean;
  readonly team: { id: string; name: string; enterpriseId?: string };
  readonly bot: { userId: string; botId: string };
  readonly users: Map<string, SlackFakeUser>;
  readonly messages: PostedSlackMessage[];
  readonly views: Map<string, OpenedSlackView>;
  /** trigger_id -> issue time (ms) and whether a view was already opened with it. */
  readonly triggers: Map<string, { issuedAt: number; exchanged: boolean }>;
  readonly dmChannels: Map<string, string>;
  tsCounter: number;
}

const fail = (error: string, extra: Json = {}): SlackMethodResult => ({ ok: false, error, ...extra });

function str(body: Json, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function nextTs(state: SlackFakeState): string {
  state.tsCounter += 1;
  return `${Math.floor(state.now() / 1000)}.${String(state.tsCounter).padStart(6, '0')}`;
}

function dmFor(state: SlackFakeState, userId: string): string {
  let id = state.dmChannels.get(userId);
  if (id === undefined) {
    id = `D${userId.slice(1)}`;
    state.dmChannels.set(userId, id);
  }
  return id;
}

/** Channel ids start with C (public), G (private / mpim) or D (DM); a user id posts into their DM. */
function resolveChannel(state: SlackFakeState, channel: string | undefined): string | undefined {
  if (channel === undefined) return undefined;
  if (/^[UW][A-Z0-9]{2,}$/.test(channel)) return state.users.has(channel) ? dmFor(state, channel) : undefined;
  return /^[CDG][A-Z0-9_]{2,}$/.test(channel) ? channel : undefined;
}

function checkMessageContent(body: Json): SlackMethodResult | undefined {
  const blocks = body['blocks'];
  if (str(body, 'text') === undefined && blocks === undefined) return fail('no_text');
  if (blocks !== undefined) {
    const problems = validateBlocks(blocks, 50);
    if (problems.length > 0) return fail('invalid_blocks', { response_metadata: { messages: problems } });
  }
  return undefined;
}

function messageJson(state: SlackFakeState, m: PostedSlackMessage): Json {
  return {
    type: 'message',
    user: state.bot.userId,
    bot_id: state.bot.botId,
    text: m.text ?? '',
    ts: m.ts,
    ...(m.threadTs === undefined ? {} : { thread_ts: m.threadTs }),
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
  };
}

function viewJson(state: SlackFakeState, v: OpenedSlackView): Json {
  return { ...v.view, id: v.id, hash: v.hash, team_id: state.team.id, app_id: 'A0KEYWARD1', bot_id: state.bot.botId };
}

function newHash(state: SlackFakeState): string {
  return `${Math.floor(state.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

/** The Web API methods the product uses, answering with Slack's documented shapes and error codes. */
export function createSlackMethodTable(state: SlackFakeState): Record<string, (body: Json) => SlackMethodResult> {
  return {
    'auth.test': () => ({
      ok: true,
      url: 'https://keyward-test.slack.com/',
      team: state.team.name,
      user: 'keyward',
      team_id: state.team.id,
      user_id: state.bot.userId,
      bot_id: state.bot.botId,
      is_enterprise_install: false,
      ...(state.team.enterpriseId === undefined ? {} : { enterprise_id: state.team.enterpriseId }),
    }),

    'users.info': (body) => {
      const id = str(body, 'user');
      if (id === undefined) return fail('invalid_arguments');
      const user = state.users.get(id);
      if (user === undefined) return fail('user_not_found');
      const copy: SlackFakeUser = structuredClone(user);
      // Without users:read.email Slack simply omits profile.email: no error, no hint.
      if (!state.emailScope) delete copy.profile.email;
      return { ok: true, user: copy };
    },

    // Slack: "Find a user with an email address"; needs users:read.email (else missing_scope) and
    // answers `users_not_found` when no member has that address. Deactivated members are still
    // returned (with `deleted: true`): deciding whether they may act is the caller's job.
    'users.lookupByEmail': (body) => {
      const email = str(body, 'email');
      if (email === undefined) return fail('invalid_arguments');
      if (!state.emailScope) return fail('missing_scope', { needed: 'users:read.email', provided: 'users:read,chat:write' });
      const wanted = email.toLowerCase();
      const user = [...state.users.values()].find((u) => u.profile.email?.toLowerCase() === wanted);
      if (user === undefined) return fail('users_not_found');
      return { ok: true, user: structuredClone(user) };
    },

    'conversations.open': (body) => {
      const users = str(body, 'users');
      if (users === undefined) return fail('users_list_not_supplied');
      const first = users.split(',')[0] ?? '';
      const user = state.users.get(first);
      if (user === undefined) return fail('user_not_found');
      if (user.deleted) return fail('user_disabled');
      return { ok: true, channel: { id: dmFor(state, first) } };
    },

    'chat.postMessage': (body) => {
      const channel = resolveChannel(state, str(body, 'channel'));
      if (channel === undefined) return fail('channel_not_found');
      const bad = checkMessageContent(body);
      if (bad !== undefined) return bad;
      const message: PostedSlackMessage = { channel, ts: nextTs(state), edits: 0 };
      const threadTs = str(body, 'thread_ts');
      const text = str(body, 'text');
      if (threadTs !== undefined) message.threadTs = threadTs;
      if (text !== undefined) message.text = text;
      if (body['blocks'] !== undefined) message.blocks = body['blocks'];
      state.messages.push(message);
      return { ok: true, channel, ts: message.ts, message: messageJson(state, message) };
    },

    // An ephemeral message is shown to one user in a channel and is never stored in its history.
    'chat.postEphemeral': (body) => {
      const channel = resolveChannel(state, str(body, 'channel'));
      if (channel === undefined) return fail('channel_not_found');
      const user = str(body, 'user');
      if (user === undefined || !state.users.has(user)) return fail('user_not_in_channel');
      const bad = checkMessageContent(body);
      if (bad !== undefined) return bad;
      return { ok: true, message_ts: nextTs(state) };
    },

    'chat.update': (body) => {
      const channel = resolveChannel(state, str(body, 'channel'));
      if (channel === undefined) return fail('channel_not_found');
      const message = state.messages.find((m) => m.channel === channel && m.ts === str(body, 'ts'));
      if (message === undefined) return fail('message_not_found');
      const bad = checkMessageContent(body);
      if (bad !== undefined) return bad;
      const text = str(body, 'text');
      if (text !== undefined) message.text = text;
      if (body['blocks'] !== undefined) message.blocks = body['blocks'];
      message.edits += 1;
      return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: messageJson(state, message) };
    },

    'views.open': (body) => {
      const triggerId = str(body, 'trigger_id');
      if (triggerId === undefined) return fail('invalid_arguments');
      const trigger = state.triggers.get(triggerId);
      if (trigger === undefined) return fail('invalid_trigger_id');
      if (trigger.exchanged) return fail('exchanged_trigger_id');
      // Slack: "trigger_id ... expires in 3 seconds".
      if (state.now() - trigger.issuedAt > state.triggerTtlMs) return fail('expired_trigger_id');
      const problems = validateModal(body['view']);
      if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
      trigger.exchanged = true;
      const view: OpenedSlackView = {
        id: `V${randomBytes(5).toString('hex').toUpperCase()}`,
        hash: newHash(state),
        view: body['view'] as Json,
        triggerId,
      };
      state.views.set(view.id, view);
      return { ok: true, view: viewJson(state, view) };
    },

    'views.update': (body) => {
      const viewId = str(body, 'view_id');
      if (viewId === undefined) return fail('invalid_arguments');
      const existing = state.views.get(viewId);
      if (existing === undefined) return fail('not_found');
      const hash = str(body, 'hash');
      if (hash !== undefined && hash !== existing.hash) return fail('hash_conflict');
      const problems = validateModal(body['view']);
      if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
      existing.view = body['view'] as Json;
      existing.hash = newHash(state);
      return { ok: true, view: viewJson(state, existing) };
    },
  };
}
