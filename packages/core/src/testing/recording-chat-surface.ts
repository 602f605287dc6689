import { AppError } from '../domain/app-error';
import type { ChatIdentity, ConversationRef, Escalation, OutboundMessage, PostedMessage, SurfaceName } from '../domain/chat';
import type { ChatSurface } from '../ports/chat-surface';

/** How the platform describes a user; unset flags default to an ordinary, internal, active person. */
export type ChatUserSpec = Partial<Omit<ChatIdentity, 'chatUserId'>>;

export interface RecordedPost {
  messageId: string;
  conversation: ConversationRef;
  message: OutboundMessage;
}

/** One helpdesk case card as posted or as updated, with the reference the surface handed back. */
export interface RecordedEscalation {
  posted: PostedMessage;
  escalation: Escalation;
}

/** The helpdesk channel the fake "posts" case cards into. */
export const RECORDING_HELPDESK_CHANNEL = 'helpdesk';

/** A ChatSurface that remembers every post, update and escalation instead of calling a platform. */
export interface RecordingChatSurface extends ChatSurface {
  posts(): RecordedPost[];
  updates(): RecordedPost[];
  /** Every escalation as first posted (the content only; see `escalationPosts` for the refs). */
  escalations(): Escalation[];
  /** Escalations with the PostedMessage that `escalate` returned. */
  escalationPosts(): RecordedEscalation[];
  /** Every `updateEscalation` call, in order. */
  escalationUpdates(): RecordedEscalation[];
  /** The current state of each case card (last update wins), in posting order. */
  caseCards(): RecordedEscalation[];
  /** Chat user ids whose DM was opened, in call order (repeats included). */
  directConversationsOpened(): string[];
  lookups(): string[];
  /** Emails asked for with findUserByEmail, in call order. */
  emailLookups(): string[];
  /** Object ids asked for with findUserByDirectoryObjectId (only with `directoryObjectIds`), in call order. */
  directoryLookups(): string[];
  /** Every string the surface was asked to show anywhere (texts, emphasis, buttons, context, facts). */
  allText(): string;
  setUser(chatUserId: string, spec: ChatUserSpec): void;
  /** From now on the bot can never open a DM with this user (Teams: the app is not installed for them). */
  setUnreachable(chatUserId: string): void;
}

export interface RecordingChatSurfaceOptions {
  /**
   * Implements the optional `findUserByDirectoryObjectId` the way Teams does: chat user ids are Entra
   * object ids, so the id asked for is the answer, with no lookup. Off by default (Slack, console).
   */
  directoryObjectIds?: boolean;
  /** Users the bot can never open a DM with: `openDirectConversation` throws `chat.conversation_gone`. */
  unreachable?: string[];
}

/** The DM channel the fake opens with a user; the same id every time, as Slack's conversations.open. */
export function recordingDmChannelId(chatUserId: string): string {
  return `dm-${chatUserId}`;
}

export function createRecordingChatSurface(surface: SurfaceName = 'console', users: Record<string, ChatUserSpec> = {}, options: RecordingChatSurfaceOptions = {}): RecordingChatSurface {
  const table = new Map<string, ChatUserSpec>(Object.entries(users));
  const unreachable = new Set<string>(options.unreachable ?? []);
  const directoryLookups: string[] = [];
  const posts: RecordedPost[] = [];
  const updates: RecordedPost[] = [];
  const escalationPosts: RecordedEscalation[] = [];
  const escalationUpdates: RecordedEscalation[] = [];
  const cards = new Map<string, RecordedEscalation>();
  const dmsOpened: string[] = [];
  const lookups: string[] = [];
  const emailLookups: string[] = [];
  let counter = 0;
  let escalationCounter = 0;

  const unknownUser = (chatUserId: string): AppError =>
    // Slack answers users.info / conversations.open for an unknown id with `user_not_found`.
    new AppError('chat.bad_request', `unknown chat user ${chatUserId}`, { details: { chatUserId } });

  const recording: RecordingChatSurface = {
    surface,
    async lookupUser(chatUserId) {
      lookups.push(chatUserId);
      const spec = table.get(chatUserId);
      if (!spec) throw unknownUser(chatUserId);
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
    /**
     * Same rule as the real surfaces: only an active, internal, human member with exactly that email
     * (case-insensitive) is found; names never count.
     */
    async findUserByEmail(email) {
      emailLookups.push(email);
      const wanted = email.trim().toLowerCase();
      if (wanted.length === 0) return undefined;
      for (const [chatUserId, spec] of table) {
        if (spec.email?.toLowerCase() !== wanted) continue;
        if (spec.isBot === true || spec.isExternal === true || spec.isDeleted === true) return undefined;
        return chatUserId;
      }
      return undefined;
    },
    async openDirectConversation(chatUserId) {
      dmsOpened.push(chatUserId);
      if (!table.has(chatUserId)) throw unknownUser(chatUserId);
      // Teams answers createConversation with 403 BotNotInConversationRoster when the app is not installed.
      if (unreachable.has(chatUserId)) throw new AppError('chat.conversation_gone', `cannot open a conversation with ${chatUserId}`, { details: { chatUserId } });
      return { surface, channelId: recordingDmChannelId(chatUserId) };
    },
    async escalate(escalation) {
      escalationCounter += 1;
      const posted: PostedMessage = { conversation: { surface, channelId: RECORDING_HELPDESK_CHANNEL }, messageId: `esc-${escalationCounter}` };
      const record = structuredClone({ posted, escalation });
      escalationPosts.push(record);
      cards.set(posted.messageId, structuredClone(record));
      return structuredClone(posted);
    },
    async updateEscalation(posted, escalation) {
      // Like Slack's `message_not_found`: a ref this surface never returned is a bug in the caller.
      if (posted.conversation.surface !== surface || !cards.has(posted.messageId)) {
        throw new AppError('chat.bad_request', `unknown case card ${posted.messageId}`, { details: { messageId: posted.messageId } });
      }
      const record = structuredClone({ posted, escalation });
      escalationUpdates.push(record);
      cards.set(posted.messageId, structuredClone(record));
    },
    posts: () => structuredClone(posts),
    updates: () => structuredClone(updates),
    escalations: () => escalationPosts.map((record) => structuredClone(record.escalation)),
    escalationPosts: () => structuredClone(escalationPosts),
    escalationUpdates: () => structuredClone(escalationUpdates),
    caseCards: () => structuredClone([...cards.values()]),
    directConversationsOpened: () => [...dmsOpened],
    lookups: () => [...lookups],
    emailLookups: () => [...emailLookups],
    directoryLookups: () => [...directoryLookups],
    allText: () => JSON.stringify({ posts, updates, escalationPosts, escalationUpdates }),
    setUser: (chatUserId, spec) => {
      table.set(chatUserId, spec);
    },
    setUnreachable: (chatUserId) => {
      unreachable.add(chatUserId);
    },
  };
  if (options.directoryObjectIds) {
    recording.findUserByDirectoryObjectId = async (objectId) => {
      directoryLookups.push(objectId);
      return objectId;
    };
  }
  return recording;
}
