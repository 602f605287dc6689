import { webApi } from '@slack/bolt';
import type { types as slackTypes } from '@slack/bolt';
import { AppError } from '@keyward/core';
import type { ChatIdentity, ChatSurface, ConversationRef, Escalation, Logger, OutboundMessage, PostedMessage } from '@keyward/core';
import { renderEscalation, renderOutboundMessage } from './block-kit-renderer';
import type { RenderedSlackMessage } from './block-kit-renderer';
import { toSlackLogger } from './bolt-logger-adapter';
import { toChatAppError } from './slack-error-mapper';

export interface SlackSurfaceOptions {
  /** A ready WebClient (e.g. Bolt's `app.client`); its retry settings are then the caller's. */
  client?: webApi.WebClient;
  /** Bot token (xoxb-…) used to build our own WebClient when no client is given. */
  token?: string;
  /** Web API base URL, e.g. a local fake's `http://127.0.0.1:PORT/api/`. Default: Slack's. */
  apiUrl?: string;
  /** Helpdesk channel id (C…/G…) that receives escalations. */
  escalationChannelId: string;
  /** The workspace we serve. When absent it is read once from `auth.test`. */
  homeTeamId?: string;
  logger: Logger;
}

interface HomeWorkspace {
  teamId: string;
  enterpriseId?: string;
}

/** The fields of Slack's users.info `user` object that identity depends on. */
interface SlackUserRecord {
  id?: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  enterprise_user?: { enterprise_id?: string };
  real_name?: string;
  profile?: { email?: string; display_name?: string; real_name?: string };
}

/** Slackbot reports `is_bot: false` in users.info, yet is never a person. */
const SLACKBOT_ID = 'USLACKBOT';

function createClient(options: SlackSurfaceOptions): webApi.WebClient {
  if (options.client !== undefined) return options.client;
  if (options.token === undefined) throw new AppError('config.invalid', 'createSlackSurface needs `client` or `token`');
  const clientOptions: webApi.WebClientOptions = {
    logger: toSlackLogger(options.logger.child({ component: 'slack-web-api' })),
    // The queue owns retries (with AppError.retryAfterMs); retrying inside the client as well would
    // hold a worker for up to Slack's default half hour.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Without a timeout a hung connection would hold a worker forever; a timeout maps to chat.unavailable.
    timeout: 10_000,
  };
  if (options.apiUrl !== undefined) clientOptions.slackApiUrl = options.apiUrl;
  return new webApi.WebClient(options.token, clientOptions);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
}

/** Arguments that keep Slack from expanding anything in our text on its side. */
const SAFE_POST_ARGS = { unfurl_links: false, unfurl_media: false, link_names: false, parse: 'none' } as const;

/** The Slack ChatSurface: Block Kit rendering, posting, identity lookup, escalation. */
export function createSlackSurface(options: SlackSurfaceOptions): ChatSurface {
  const client = createClient(options);
  const logger = options.logger.child({ surface: 'slack' });
  let home: Promise<HomeWorkspace> | undefined =
    options.homeTeamId === undefined ? undefined : Promise.resolve({ teamId: options.homeTeamId });

  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const appError = toChatAppError(error, method);
      logger.warn({ method, code: appError.code, retryable: appError.retryable }, 'slack call failed');
      throw appError;
    }
  };

  const homeWorkspace = (): Promise<HomeWorkspace> => {
    home ??= call('auth.test', () => client.auth.test()).then((result) => {
      if (typeof result.team_id !== 'string') throw new AppError('chat.bad_request', 'auth.test returned no team_id');
      const workspace: HomeWorkspace = { teamId: result.team_id };
      if (typeof result.enterprise_id === 'string' && result.enterprise_id.length > 0) workspace.enterpriseId = result.enterprise_id;
      return workspace;
    });
    // A failed lookup must not be cached forever: the next call tries again.
    home.catch(() => {
      home = undefined;
    });
    return home;
  };

  /** Returns the channel *id* Slack posted into (a configured name becomes an id) and the message ts. */
  const postRendered = async (channel: string, threadTs: string | undefined, rendered: RenderedSlackMessage): Promise<{ channel: string; ts: string }> => {
    const result = await call('chat.postMessage', () =>
      client.chat.postMessage({
        channel,
        text: rendered.text,
        blocks: rendered.blocks as unknown as slackTypes.KnownBlock[],
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        ...SAFE_POST_ARGS,
      }),
    );
    if (typeof result.ts !== 'string') throw new AppError('chat.bad_request', 'chat.postMessage returned no ts');
    // chat.update only takes a channel id, so the id from the answer is what a later update needs.
    return { channel: typeof result.channel === 'string' && result.channel.length > 0 ? result.channel : channel, ts: result.ts };
  };

  const updateRendered = async (channel: string, ts: string, rendered: RenderedSlackMessage): Promise<void> => {
    await call('chat.update', () =>
      client.chat.update({
        channel,
        ts,
        text: rendered.text,
        blocks: rendered.blocks as unknown as slackTypes.KnownBlock[],
        link_names: false,
        parse: 'none',
      }),
    );
  };

  /** The part of a user record that decides whether we may DM them as an approver or agent. */
  const isServableMember = async (user: SlackUserRecord): Promise<boolean> => {
    const workspace = await homeWorkspace();
    const home =
      user.team_id === workspace.teamId ||
      (workspace.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === workspace.enterpriseId);
    return (
      home &&
      user.deleted !== true &&
      user.is_bot !== true &&
      user.is_stranger !== true &&
      user.is_restricted !== true &&
      user.is_ultra_restricted !== true
    );
  };

  return {
    surface: 'slack',

    async lookupUser(chatUserId: string, chatTeamId?: string): Promise<ChatIdentity> {
      const workspace = await homeWorkspace();
      let user: SlackUserRecord;
      try {
        const result = await client.users.info({ user: chatUserId });
        user = (result.user ?? {}) as SlackUserRecord;
      } catch (error) {
        const mapped = toChatAppError(error, 'users.info');
        if (mapped.details?.['slackError'] === 'user_not_found') {
          throw new AppError('identity.not_found', 'Slack does not know this user', { cause: error });
        }
        throw mapped;
      }
      const sameEnterprise =
        workspace.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === workspace.enterpriseId;
      const homeTeam = (teamId: string | undefined): boolean => teamId === workspace.teamId || sameEnterprise;
      // F19: Slack Connect users carry their own org's team_id; `is_stranger` marks users we only see
      // through a shared channel; guests (restricted) are not full members. None of them is served.
      const isExternal =
        user.is_stranger === true ||
        !homeTeam(user.team_id) ||
        (chatTeamId !== undefined && !homeTeam(chatTeamId)) ||
        user.is_restricted === true ||
        user.is_ultra_restricted === true;
      const identity: ChatIdentity = {
        chatUserId,
        isBot: user.is_bot === true || chatUserId === SLACKBOT_ID,
        isExternal,
        isDeleted: user.deleted === true,
      };
      // F02: only profile.email counts; without it the identity stays unverifiable. The display name
      // is user-editable and is never a stand-in.
      const email = nonEmpty(user.profile?.email);
      if (email !== undefined) identity.email = email;
      const displayName = nonEmpty(user.profile?.display_name) ?? nonEmpty(user.profile?.real_name) ?? nonEmpty(user.real_name);
      if (displayName !== undefined) identity.displayName = displayName;
      return identity;
    },

    async post(conversation: ConversationRef, message: OutboundMessage): Promise<string> {
      return (await postRendered(conversation.channelId, conversation.threadId, renderOutboundMessage(message))).ts;
    },

    async update(conversation: ConversationRef, messageId: string, message: OutboundMessage): Promise<void> {
      await updateRendered(conversation.channelId, messageId, renderOutboundMessage(message));
    },

    /**
     * users.lookupByEmail (needs users:read.email). Slack documents `users_not_found` for an unknown
     * address (older references say `user_not_found`; both mean "nobody"). Only an active, full member
     * of our own workspace counts: a deactivated account, a bot, a guest or a Slack Connect user with
     * that address is "nobody" too, so an approval can never be routed to them. There is no fallback
     * to names: display names are user-editable (F19).
     */
    async findUserByEmail(email: string): Promise<string | undefined> {
      const wanted = email.trim();
      if (wanted.length === 0) return undefined;
      let user: SlackUserRecord;
      try {
        const result = await client.users.lookupByEmail({ email: wanted });
        user = (result.user ?? {}) as SlackUserRecord;
      } catch (error) {
        const mapped = toChatAppError(error, 'users.lookupByEmail');
        const slackError = mapped.details?.['slackError'];
        if (slackError === 'users_not_found' || slackError === 'user_not_found') return undefined;
        logger.warn({ method: 'users.lookupByEmail', code: mapped.code, slackError }, 'slack call failed');
        throw mapped;
      }
      // The answer must be the person with exactly that address, never a near match.
      if (typeof user.id !== 'string' || nonEmpty(user.profile?.email)?.toLowerCase() !== wanted.toLowerCase()) return undefined;
      if (!(await isServableMember(user))) {
        logger.info({ method: 'users.lookupByEmail', chatUserId: user.id }, 'email belongs to a member we do not serve');
        return undefined;
      }
      return user.id;
    },

    /** conversations.open with one user id: the bot's DM with them (created on first use, stable after). */
    async openDirectConversation(chatUserId: string): Promise<ConversationRef> {
      const result = await call('conversations.open', () => client.conversations.open({ users: chatUserId }));
      const channelId = result.channel?.id;
      if (typeof channelId !== 'string' || channelId.length === 0) {
        throw new AppError('chat.bad_request', 'conversations.open returned no channel id', { details: { method: 'conversations.open' } });
      }
      return { surface: 'slack', channelId };
    },

    async escalate(escalation: Escalation): Promise<PostedMessage> {
      const posted = await postRendered(options.escalationChannelId, undefined, renderEscalation(escalation));
      return { conversation: { surface: 'slack', channelId: posted.channel }, messageId: posted.ts };
    },

    async updateEscalation(posted: PostedMessage, escalation: Escalation): Promise<void> {
      if (posted.conversation.surface !== 'slack') {
        throw new AppError('chat.bad_request', `The Slack surface cannot update a ${posted.conversation.surface} card.`, {
          details: { surface: posted.conversation.surface },
        });
      }
      await updateRendered(posted.conversation.channelId, posted.messageId, renderEscalation(escalation));
    },
  };
}
