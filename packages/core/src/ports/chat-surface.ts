import type { ChatIdentity, ConversationRef, Escalation, OutboundMessage, PostedMessage } from '../domain/chat';

export interface ChatSurface {
  readonly surface: ConversationRef['surface'];
  /** Who a verified platform user id is: email (if the platform has it), bot, external, deleted. */
  lookupUser(chatUserId: string, chatTeamId?: string): Promise<ChatIdentity>;
  /** Posts into the conversation (in its thread when `threadId` is set). Returns the new message id. */
  post(conversation: ConversationRef, message: OutboundMessage): Promise<string>;
  /** Replaces a message the bot posted earlier (e.g. to put a card into its final state). */
  update(conversation: ConversationRef, messageId: string, message: OutboundMessage): Promise<void>;
  /** The platform user with this verified email (Slack users.lookupByEmail), or undefined. */
  findUserByEmail(email: string): Promise<string | undefined>;
  /**
   * The chat user id of a home-tenant user known by their Entra object id (Teams: the same id), or
   * undefined. Only for a surface whose users are the Entra directory's own; the core calls it only
   * when the IdP is Entra ID, so an approver is reached without an email or a lookup in one team.
   * Optional: Slack and the console have no such id.
   */
  findUserByDirectoryObjectId?(objectId: string): Promise<string | undefined>;
  /**
   * A direct conversation with a user (Slack conversations.open, Teams createConversation), to DM
   * approvers. Throws `chat.conversation_gone` when the platform will never let the bot reach this
   * person (Teams 403 / 404: the app is not installed for them).
   */
  openDirectConversation(chatUserId: string): Promise<ConversationRef>;
  /** Posts to the helpdesk escalation channel; returns where, so the case card can be updated. */
  escalate(escalation: Escalation): Promise<PostedMessage | undefined>;
  /** Replaces a helpdesk case card with its new state (taken, resolved…). */
  updateEscalation(posted: PostedMessage, escalation: Escalation): Promise<void>;
}
