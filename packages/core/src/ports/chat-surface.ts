import type { ChatIdentity, ConversationRef, Escalation, OutboundMessage } from '../domain/chat';

export interface ChatSurface {
  readonly surface: ConversationRef['surface'];
  /** Who a verified platform user id is: email (if the platform has it), bot, external, deleted. */
  lookupUser(chatUserId: string, chatTeamId?: string): Promise<ChatIdentity>;
  /** Posts into the conversation (in its thread when `threadId` is set). Returns the new message id. */
  post(conversation: ConversationRef, message: OutboundMessage): Promise<string>;
  /** Replaces a message the bot posted earlier (e.g. to put a card into its final state). */
  update(conversation: ConversationRef, messageId: string, message: OutboundMessage): Promise<void>;
  /** Posts to the helpdesk escalation channel. */
  escalate(escalation: Escalation): Promise<void>;
}
