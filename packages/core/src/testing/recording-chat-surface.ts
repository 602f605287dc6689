import { AppError } from '../domain/app-error';
import type { ChatIdentity, ConversationRef, Escalation, OutboundMessage, SurfaceName } from '../domain/chat';
import type { ChatSurface } from '../ports/chat-surface';

/** How the platform describes a user; unset flags default to an ordinary, internal, active person. */
export type ChatUserSpec = Partial<Omit<ChatIdentity, 'chatUserId'>>;

export interface RecordedPost {
  messageId: string;
  conversation: ConversationRef;
  message: OutboundMessage;
}

/** A ChatSurface that remembers every post, update and escalation instead of calling a platform. */
export interface RecordingChatSurface extends ChatSurface {
  posts(): RecordedPost[];
  updates(): RecordedPost[];
  escalations(): Escalation[];
  lookups(): string[];
  /** Every string the surface was asked to show anywhere (texts, emphasis, buttons, context, facts). */
  allText(): string;
  setUser(chatUserId: string, spec: ChatUserSpec): void;
}

export function createRecordingChatSurface(surface: SurfaceName = 'console', users: Record<string, ChatUserSpec> = {}): RecordingChatSurface {
  const table = new Map<string, ChatUserSpec>(Object.entries(users));
  const posts: RecordedPost[] = [];
  const updates: RecordedPost[] = [];
  const escalations: Escalation[] = [];
  const lookups: string[] = [];
  let counter = 0;

  return {
    surface,
    async lookupUser(chatUserId) {
      lookups.push(chatUserId);
      const spec = table.get(chatUserId);
      // Slack answers users.info for an unknown id with `user_not_found`.
      if (!spec) throw new AppError('chat.bad_request', `unknown chat user ${chatUserId}`, { details: { chatUserId } });
      return { chatUserId, isBot: false, isExternal: false, isDeleted: false, ...spec };
    },
    async post(conversation, message) {
      counter += 1;
      const messageId = `msg-${counter}`;
      posts.push(structuredClone({ messageId, conversation, message }));
      return messageId;
    },
    async update(conversation, messageId, message) {
      updates.push(structuredClone({ messageId, conversation, message }));
    },
    async escalate(escalation) {
      escalations.push(structuredClone(escalation));
    },
    posts: () => structuredClone(posts),
    updates: () => structuredClone(updates),
    escalations: () => structuredClone(escalations),
    lookups: () => [...lookups],
    allText: () => JSON.stringify({ posts, updates, escalations }),
    setUser: (chatUserId, spec) => {
      table.set(chatUserId, spec);
    },
  };
}
