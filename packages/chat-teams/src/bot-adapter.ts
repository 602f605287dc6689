import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { ConversationReference } from 'botbuilder';
import type { ConversationRef } from '@keyward/core';

/** The bot's Microsoft App registration. Without an app id the adapter runs unauthenticated. */
export interface TeamsCredentials {
  /** Microsoft App id of the Azure Bot. Empty = emulator mode: no JWT check, no outbound token (tests only). */
  appId?: string;
  appPassword?: string;
  /** The single tenant we serve (the app registration's home tenant). */
  tenantId: string;
}

/** Teams' channel id in every activity and reference. */
export const TEAMS_CHANNEL_ID = 'msteams';

/**
 * One CloudAdapter per credentials. With an app id it validates the Bot Framework JWT on every inbound
 * request (issuer, audience = app id, signing keys from the Bot Framework OpenID metadata) and gets
 * outbound tokens for the app from the tenant (SingleTenant app type: the token authority is the
 * tenant, not botframework.com — Microsoft Learn "Provision and publish a bot", single-tenant bots).
 * Without an app id, botbuilder skips both (emulator style): only for local tests (STACK.md).
 */
export function createCloudAdapter(credentials: TeamsCredentials): CloudAdapter {
  return new CloudAdapter(createBotAuthentication(credentials));
}

/** The Bot Framework authentication CloudAdapter uses; also checks a request the adapter never sees. */
export function createBotAuthentication(credentials: TeamsCredentials): ConfigurationBotFrameworkAuthentication {
  if (!credentials.appId) return new ConfigurationBotFrameworkAuthentication({});
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: credentials.appId,
    MicrosoftAppPassword: credentials.appPassword ?? '',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: credentials.tenantId,
  });
}

/**
 * What a Teams ConversationRef keeps in `extra` (JSON only): the connector URL of the user's region
 * and the tenant. With the conversation id that is enough to rebuild a ConversationReference for
 * `continueConversationAsync` in any process (a worker never saw the activity).
 */
export interface TeamsConversationExtra {
  serviceUrl: string;
  tenantId: string;
  conversationType?: string;
}

export function teamsExtraOf(conversation: ConversationRef): TeamsConversationExtra | undefined {
  const extra = conversation.extra;
  if (!extra) return undefined;
  const serviceUrl = extra['serviceUrl'];
  const tenantId = extra['tenantId'];
  if (typeof serviceUrl !== 'string' || typeof tenantId !== 'string') return undefined;
  const conversationType = extra['conversationType'];
  return { serviceUrl, tenantId, ...(typeof conversationType === 'string' ? { conversationType } : {}) };
}

export function toConversationRef(conversationId: string, extra: TeamsConversationExtra): ConversationRef {
  return { surface: 'teams', channelId: conversationId, extra: { ...extra } };
}

/**
 * A ConversationReference without `activityId`: proactive messages are new messages in the chat, not
 * replies (a reference with an activity id makes botbuilder call "reply to activity" instead).
 * In a channel, `threadId` (the root message id) targets that thread (`;messageid=` suffix).
 */
export function toBotReference(conversation: ConversationRef, extra: TeamsConversationExtra, appId: string | undefined): Partial<ConversationReference> {
  const id = conversation.threadId ? `${conversation.channelId};messageid=${conversation.threadId}` : conversation.channelId;
  return {
    channelId: TEAMS_CHANNEL_ID,
    serviceUrl: extra.serviceUrl,
    conversation: { id, tenantId: extra.tenantId, conversationType: extra.conversationType ?? 'personal', isGroup: extra.conversationType === 'channel' || extra.conversationType === 'groupChat', name: '' },
    bot: { id: `28:${appId ?? ''}`, name: 'Keyward' },
  };
}
