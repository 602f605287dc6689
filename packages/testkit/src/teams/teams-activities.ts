import { randomUUID } from 'node:crypto';
import type { TeamsMember } from './bot-connector-fake';

/**
 * Activities shaped as Teams delivers them to `POST /api/messages` (Bot Framework Activity schema +
 * Teams channelData): `from` carries the Teams user id and the Entra object id (`aadObjectId`),
 * `conversation.tenantId` and `channelData.tenant.id` the tenant, `serviceUrl` the connector to answer
 * through. Only the fields a bot reads are set.
 */
export type TeamsActivity = Record<string, unknown>;

export interface TeamsActivityContext {
  serviceUrl: string;
  /** The bot's Microsoft App id (recipient `28:<appId>`). */
  botAppId?: string;
  from: Pick<TeamsMember, 'id' | 'aadObjectId' | 'name'> & { tenantId?: string };
  /** Default: the member's tenant. */
  tenantId?: string;
  conversationId?: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
  /** Keeps a redelivery's id equal to the first delivery's. */
  id?: string;
}

function common(ctx: TeamsActivityContext): TeamsActivity {
  const tenantId = ctx.tenantId ?? ctx.from.tenantId ?? 'tenant-unknown';
  const from: Record<string, unknown> = { id: ctx.from.id, name: ctx.from.name };
  if (ctx.from.aadObjectId) from['aadObjectId'] = ctx.from.aadObjectId;
  return {
    id: ctx.id ?? `1:${randomUUID()}`,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: ctx.serviceUrl,
    channelId: 'msteams',
    from,
    conversation: {
      id: ctx.conversationId ?? `a:personal-${ctx.from.aadObjectId}`,
      conversationType: ctx.conversationType ?? 'personal',
      tenantId,
    },
    recipient: { id: `28:${ctx.botAppId ?? 'keyward-bot'}`, name: 'Keyward' },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-US',
  };
}

/** A message the user typed in the personal chat with the bot. */
export function teamsMessageActivity(ctx: TeamsActivityContext, text: string): TeamsActivity {
  return { ...common(ctx), type: 'message', text, textFormat: 'plain' };
}

export interface CardActionInput {
  verb: string;
  data?: Record<string, unknown>;
  /** The activity id of the message carrying the card. */
  replyToId?: string;
  /** `automatic` = a refresh Teams triggered by itself (opening the chat); `manual` = a click. */
  trigger?: 'manual' | 'automatic';
}

/** An Action.Execute click (Universal Actions): invoke `adaptiveCard/action`. */
export function teamsCardActionActivity(ctx: TeamsActivityContext, input: CardActionInput): TeamsActivity {
  const activity: TeamsActivity = {
    ...common(ctx),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: input.verb, data: input.data ?? {} }, trigger: input.trigger ?? 'manual' },
  };
  if (input.replyToId !== undefined) activity['replyToId'] = input.replyToId;
  return activity;
}
