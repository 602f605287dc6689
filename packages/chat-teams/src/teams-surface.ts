import { CardFactory, TeamsInfo } from 'botbuilder';
import type { Activity, CloudAdapter, ConversationParameters, TeamsChannelAccount, TurnContext } from 'botbuilder';
import { AppError } from '@keyward/core';
import type { ChatIdentity, ChatSurface, ConversationRef, Escalation, Logger, OutboundMessage, PostedMessage } from '@keyward/core';
import { renderEscalationCard, renderOutboundCard, summaryOf } from './adaptive-card-renderer';
import type { AdaptiveCard } from './adaptive-card-renderer';
import { TEAMS_CHANNEL_ID, createCloudAdapter, teamsExtraOf, toBotReference, toConversationRef } from './bot-adapter';
import type { TeamsConversationExtra, TeamsCredentials } from './bot-adapter';
import { connectorStatus, toTeamsAppError } from './connector-errors';

/** Audience of Bot Connector tokens in the public cloud (AuthenticationConstants.ToChannelFromBotOAuthScope). */
const CONNECTOR_AUDIENCE = 'https://api.botframework.com';

/**
 * Teams' global connector URL for proactive calls when no activity told us the user's regional one
 * (Microsoft Learn, "Send proactive messages": the service URL can be the global
 * `https://smba.trafficmanager.net/teams/`; GCC / GCC High / DoD use their own hosts).
 */
export const DEFAULT_TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/** The helpdesk channel: its conversation id (`19:…@thread.tacv2`) and, optionally, its service URL. */
export interface TeamsEscalationTarget {
  conversationId: string;
  serviceUrl?: string;
}

export interface TeamsSurfaceOptions extends TeamsCredentials {
  /** Connector URL for conversations we start ourselves (approver DMs); default the global one. */
  serviceUrl?: string;
  escalation?: TeamsEscalationTarget;
  /** Shared with the bot so both use one connector pipeline; created from the credentials otherwise. */
  adapter?: CloudAdapter;
  logger: Logger;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nonEmpty(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
}

function cardActivity(card: AdaptiveCard, summary: string): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)], summary };
}

/**
 * The Teams ChatSurface: Adaptive Cards through the Bot Connector, proactively (every call comes from
 * a worker, outside any turn) with references rebuilt from ConversationRef.extra.
 *
 * Direct conversations with approvers are created with `createConversation` (members = the person's
 * Entra object id, tenant = ours). Teams answers with the existing personal chat when there is one,
 * so nothing needs storing; it answers 403 `BotNotInConversationRoster` when the app is not installed
 * for that person (→ `chat.conversation_gone`: the core ends the approval and tells the helpdesk).
 */
export function createTeamsSurface(options: TeamsSurfaceOptions): ChatSurface {
  const adapter = options.adapter ?? createCloudAdapter(options);
  const appId = options.appId ?? '';
  const logger = options.logger.child({ surface: 'teams' });
  const serviceUrl = options.serviceUrl ?? DEFAULT_TEAMS_SERVICE_URL;

  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const appError = toTeamsAppError(error, operation);
      logger.warn({ operation, code: appError.code, status: connectorStatus(error) }, 'teams connector call failed');
      throw appError;
    }
  };

  const extraOf = (conversation: ConversationRef): TeamsConversationExtra => {
    if (conversation.surface !== 'teams') {
      throw new AppError('chat.bad_request', `The Teams surface cannot post into a ${conversation.surface} conversation.`, { details: { surface: conversation.surface } });
    }
    const extra = teamsExtraOf(conversation);
    if (!extra) throw new AppError('chat.bad_request', 'Teams conversation has no stored service URL / tenant', { details: { conversationId: conversation.channelId } });
    return extra;
  };

  /** Runs `logic` in a proactive turn on the conversation (no inbound activity needed). */
  const inConversation = async <T>(operation: string, conversation: ConversationRef, logic: (context: TurnContext) => Promise<T>): Promise<T> => {
    const reference = toBotReference(conversation, extraOf(conversation), appId);
    let result: T | undefined;
    await call(operation, () =>
      adapter.continueConversationAsync(appId, reference, async (context) => {
        result = await logic(context);
      }),
    );
    return result as T;
  };

  const sendCard = async (conversation: ConversationRef, card: AdaptiveCard, summary: string): Promise<string> => {
    const id = await inConversation('send activity', conversation, async (context) => (await context.sendActivity(cardActivity(card, summary)))?.id);
    if (typeof id !== 'string' || id.length === 0) throw new AppError('chat.bad_request', 'Teams returned no activity id');
    return id;
  };

  const updateCard = async (conversation: ConversationRef, messageId: string, card: AdaptiveCard, summary: string): Promise<void> => {
    await inConversation('update activity', conversation, async (context) => {
      await context.updateActivity({ ...cardActivity(card, summary), id: messageId });
    });
  };

  /** Creates (or gets back) the personal chat with a user of our tenant; runs `logic` inside it. */
  const inPersonalChat = async <T>(operation: string, aadObjectId: string, logic: (context: TurnContext, conversationId: string) => Promise<T>): Promise<T> => {
    const parameters = {
      isGroup: false,
      bot: { id: `28:${appId}`, name: 'Keyward' },
      members: [{ id: aadObjectId, name: '' }],
      tenantId: options.tenantId,
      channelData: { tenant: { id: options.tenantId } },
    } as ConversationParameters;
    let result: T | undefined;
    await call(operation, () =>
      adapter.createConversationAsync(appId, TEAMS_CHANNEL_ID, serviceUrl, CONNECTOR_AUDIENCE, parameters, async (context) => {
        const id = context.activity.conversation?.id;
        if (typeof id !== 'string' || id.length === 0) throw new AppError('chat.bad_request', 'createConversation returned no id');
        result = await logic(context, id);
      }),
    );
    return result as T;
  };

  const isHomeMember = (member: TeamsChannelAccount): boolean => {
    const upn = member.userPrincipalName ?? '';
    const role = (member as { userRole?: string }).userRole;
    return member.tenantId === options.tenantId && role !== 'guest' && role !== 'anonymous' && !upn.toUpperCase().includes('#EXT#');
  };

  const escalationRef = (): ConversationRef | undefined =>
    options.escalation === undefined
      ? undefined
      : toConversationRef(options.escalation.conversationId, { serviceUrl: options.escalation.serviceUrl ?? serviceUrl, tenantId: options.tenantId, conversationType: 'channel' });

  return {
    surface: 'teams',

    /**
     * `chatUserId` is the verified `from.aadObjectId`, `chatTeamId` the activity's tenant. Anyone from
     * another tenant, without an Entra object id, a guest (`userRole` guest, `#EXT#` UPN) or unknown to
     * Teams is never served (F11, F19). The profile comes from the connector's member API
     * (TeamsInfo.getMember) in the user's personal chat, so it works in a worker too.
     */
    async lookupUser(chatUserId: string, chatTeamId?: string): Promise<ChatIdentity> {
      const external: ChatIdentity = { chatUserId, isBot: false, isExternal: true, isDeleted: false };
      if (chatTeamId !== undefined && chatTeamId !== options.tenantId) return external;
      if (!GUID.test(chatUserId)) return external;
      let member: TeamsChannelAccount | undefined;
      try {
        member = await inPersonalChat('get member', chatUserId, (context) => TeamsInfo.getMember(context, chatUserId));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'chat.conversation_gone')) throw error;
      }
      // 403/404 from the connector, or no member: not a person of our tenant the bot can reach.
      if (member === undefined) throw new AppError('identity.not_found', 'Teams does not know this user in our tenant');
      const identity: ChatIdentity = {
        chatUserId,
        isBot: false,
        isExternal: !isHomeMember(member) || member.aadObjectId?.toLowerCase() !== chatUserId.toLowerCase(),
        isDeleted: false,
      };
      // The object id is what Teams verified (JWT-authenticated activity); Entra maps by it alone.
      if (!identity.isExternal) identity.entraObjectId = chatUserId;
      // Email for the Okta pairing: Teams' `email`, else the UPN (the Entra sign-in name).
      const email = nonEmpty(member.email) ?? nonEmpty(member.userPrincipalName);
      if (email !== undefined && !identity.isExternal) identity.email = email;
      const displayName = nonEmpty(member.name);
      if (displayName !== undefined) identity.displayName = displayName;
      return identity;
    },

    async post(conversation: ConversationRef, message: OutboundMessage): Promise<string> {
      return sendCard(conversation, renderOutboundCard(message), summaryOf(message));
    },

    async update(conversation: ConversationRef, messageId: string, message: OutboundMessage): Promise<void> {
      await updateCard(conversation, messageId, renderOutboundCard(message), summaryOf(message));
    },

    /**
     * Teams has no directory-wide lookup by email for bots. The connector's member API accepts a UPN
     * (Microsoft Learn, "Get single member details": Teams user id, UPN or Entra object id), but only
     * within a conversation the bot is in: we ask the helpdesk channel's team. People outside that team
     * are "nobody" here (the approver is then unreachable in Teams and the core escalates). Only the
     * Okta pairing depends on this: with Entra ID the core uses findUserByDirectoryObjectId instead.
     */
    async findUserByEmail(email: string): Promise<string | undefined> {
      const wanted = email.trim();
      const target = escalationRef();
      if (wanted.length === 0 || target === undefined) return undefined;
      let member: TeamsChannelAccount | undefined;
      try {
        member = await inConversation('get member by UPN', target, (context) => TeamsInfo.getMember(context, wanted));
      } catch (error) {
        // 404 MemberNotFoundInConversation: nobody with that UPN in the helpdesk team.
        if (error instanceof AppError && error.code === 'chat.conversation_gone') return undefined;
        throw error;
      }
      if (member === undefined) return undefined;
      const matches = [member.email, member.userPrincipalName].some((value) => nonEmpty(value)?.toLowerCase() === wanted.toLowerCase());
      if (!matches || !isHomeMember(member) || !member.aadObjectId || !GUID.test(member.aadObjectId)) return undefined;
      return member.aadObjectId;
    },

    /**
     * With Entra ID as the IdP the directory user IS the Teams user: the verified `from.aadObjectId`
     * of their activities is their Entra object id, and createConversation takes that id. So anyone in
     * our tenant can be reached, in or out of the helpdesk team, with no connector call here. Whether
     * the app is installed for them shows only when the personal chat is created (403 → the core ends
     * the approval visibly). GUIDs compare case-insensitively; Teams and Graph both use lowercase.
     */
    async findUserByDirectoryObjectId(objectId: string): Promise<string | undefined> {
      const id = objectId.trim();
      return GUID.test(id) ? id.toLowerCase() : undefined;
    },

    async openDirectConversation(chatUserId: string): Promise<ConversationRef> {
      if (!GUID.test(chatUserId)) throw new AppError('chat.bad_request', 'A Teams user id here is an Entra object id', { details: { chatUserId } });
      const conversationId = await inPersonalChat('create conversation', chatUserId, async (_context, id) => id);
      return toConversationRef(conversationId, { serviceUrl, tenantId: options.tenantId, conversationType: 'personal' });
    },

    async escalate(escalation: Escalation): Promise<PostedMessage | undefined> {
      const target = escalationRef();
      if (target === undefined) {
        logger.warn({ requestId: escalation.requestId, reason: escalation.reason, severity: escalation.severity }, 'escalation (no TEAMS_ESCALATION_CONVERSATION configured)');
        return undefined;
      }
      const messageId = await sendCard(target, renderEscalationCard(escalation), escalation.reason.slice(0, 200));
      return { conversation: target, messageId };
    },

    async updateEscalation(posted: PostedMessage, escalation: Escalation): Promise<void> {
      await updateCard(posted.conversation, posted.messageId, renderEscalationCard(escalation), escalation.reason.slice(0, 200));
    },
  };
}
