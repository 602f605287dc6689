/** Chat-platform-neutral shapes. Surfaces (Slack, Teams, console) translate to and from these. */
export type SurfaceName = 'slack' | 'teams' | 'console';

/** Where a conversation lives: enough to post into the same thread later (from a worker). */
export interface ConversationRef {
  surface: SurfaceName;
  channelId: string;
  /** Thread root (Slack thread_ts); absent for surfaces without threads. */
  threadId?: string;
  /** Surface-specific extras needed to reply later (e.g. a Teams conversation reference), JSON only. */
  extra?: Record<string, unknown>;
}

/** A message a person sent to the bot, as the surface verified it. */
export interface InboundMessage {
  /** Platform's unique id of this delivery's event (Slack event_id); redeliveries carry the same id. */
  eventId: string;
  conversation: ConversationRef;
  /** The platform's verified user id: the only source of the requester's identity. */
  chatUserId: string;
  /** The user's home workspace / tenant as the platform reports it. */
  chatTeamId?: string;
  /** Id of this message (Slack ts), used as the thread root when the message starts one. */
  messageId: string;
  text: string;
  /**
   * Chat user ids the message mentions (a Slack `<@U…>`, a Teams `<at>` mention entity), the bot's own
   * mention left out. Self-service acts only on the requester, so anyone else mentioned is refused.
   */
  mentionedUserIds?: string[];
  receivedAt: Date;
}

/** A button click, as the surface verified it. */
export interface InboundAction {
  eventId: string;
  conversation: ConversationRef;
  chatUserId: string;
  chatTeamId?: string;
  actionId: ChatActionId;
  value: string;
  /** Message that carried the button, so it can be updated to its final state. */
  messageId?: string;
  /** Free text the clicker typed (note on resolve / reject / deny), plain text. */
  note?: string;
  receivedAt: Date;
}

/** A message the bot posted, enough to update it later (final state of a card). */
export interface PostedMessage {
  conversation: ConversationRef;
  messageId: string;
}

export const CHAT_ACTIONS = {
  choose: 'keyward.choose',
  revealSecret: 'keyward.reveal_secret',
  cancelRequest: 'keyward.cancel',
  /** Approver buttons: value = `${requestId}|${approvalId}`. */
  approve: 'keyward.approve',
  deny: 'keyward.deny',
  /** The requester cannot answer a push (lost phone): switch an MFA reset to attestation. */
  noDevice: 'keyward.no_device',
  /** Helpdesk case buttons: value = requestId. Resolve / reject carry a note the agent types. */
  caseTake: 'keyward.case_take',
  caseResolve: 'keyward.case_resolve',
  caseReject: 'keyward.case_reject',
} as const;

/** Buttons whose click must collect a free-text note first (a modal / prompt on the surface). */
export const NOTE_ACTIONS: readonly ChatActionId[] = [CHAT_ACTIONS.caseResolve, CHAT_ACTIONS.caseReject, CHAT_ACTIONS.deny];
export type ChatActionId = (typeof CHAT_ACTIONS)[keyof typeof CHAT_ACTIONS];

export interface ChatButton {
  actionId: ChatActionId;
  value: string;
  label: string;
  style?: 'primary' | 'danger';
  /**
   * A link button: opens this https URL (a sign-in page for OIDC step-up) instead of sending a click.
   * Surfaces render it as a link (Slack button `url`, Adaptive Card Action.OpenUrl, console anchor).
   */
  url?: string;
}

/**
 * A renderer-neutral message. All strings are plain text: surfaces escape them for their markup
 * (Slack mrkdwn, Adaptive Cards, HTML), so user or IdP text can never inject markup or mentions.
 */
export interface OutboundMessage {
  text: string;
  /** A short prominent value, e.g. the push number to tap. */
  emphasis?: string;
  tone?: 'info' | 'success' | 'warning' | 'danger';
  buttons?: ChatButton[];
  /** Small grey footer lines (request id, state). */
  context?: string[];
}

/** What the chat platform says about a user. */
export interface ChatIdentity {
  chatUserId: string;
  /** Verified email from the platform profile, when the platform gives one. */
  email?: string;
  displayName?: string;
  isBot: boolean;
  /** From another organisation (Slack Connect, other tenant, guest): never served. */
  isExternal: boolean;
  /** Deleted / deactivated on the platform. */
  isDeleted: boolean;
  /**
   * The user's Microsoft Entra object id as the platform verified it (Teams `from.aadObjectId` on a
   * JWT-authenticated activity). With the Entra IdP this is the IdP user id itself: no email mapping.
   */
  entraObjectId?: string;
}

export interface Escalation {
  requestId?: string;
  reason: string;
  /** Plain-text facts for the helpdesk: who, what, why refused, risk signals, conversation excerpt. */
  facts: Record<string, string>;
  severity: 'info' | 'warning' | 'critical';
  /** Take / Resolve / Reject, and Approve / Deny for admin-approval cases. */
  buttons?: ChatButton[];
  /** Current case state line, e.g. "Taken by Dana" (shown on the card). */
  status?: string;
}
