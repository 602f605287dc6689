import { randomUUID } from 'node:crypto';
import { AppError } from '@keyward/core';
import type { ChatIdentity, ChatSurface, ConversationRef, Escalation, Logger, OutboundMessage, PostedMessage } from '@keyward/core';
import type { ConsoleDirectory, ConsolePerson } from './console-directory';
import type { ConsoleEscalation, ConsoleEvent, ConsoleEventListener, ConsoleMessage } from './console-event';

export interface ConsoleSurfaceOptions {
  directory: ConsoleDirectory;
  logger: Logger;
  now?: () => Date;
  /** Messages kept per conversation; older ones are dropped (the console is a demo, not an archive). */
  maxMessagesPerConversation?: number;
  /** Conversations kept; the least recently active one is dropped first. */
  maxConversations?: number;
  maxEscalations?: number;
}

/** The console's ChatSurface plus what its web page needs: history, people and a live event feed. */
export interface ConsoleSurface extends ChatSurface {
  readonly surface: 'console';
  listPeople(): Promise<ConsolePerson[]>;
  findPerson(chatUserId: string): Promise<ConsolePerson | undefined>;
  /** Appends what the employee typed to their DM (as a new thread root) and emits it. */
  recordUserMessage(chatUserId: string, text: string): ConsoleMessage;
  getMessage(channelId: string, messageId: string): ConsoleMessage | undefined;
  /** The message with this id in any conversation (ids are unique), to tell "not yours" from "gone". */
  findMessage(messageId: string): ConsoleMessage | undefined;
  history(channelId: string): ConsoleMessage[];
  /** Always posts: the console's helpdesk channel exists whenever the console does. */
  escalate(escalation: Escalation): Promise<PostedMessage>;
  escalations(): ConsoleEscalation[];
  getEscalation(id: string): ConsoleEscalation | undefined;
  subscribe(listener: ConsoleEventListener): () => void;
}

/** The console's helpdesk escalation channel: case cards live here, keyed by their id. */
export const HELPDESK_CHANNEL_ID = 'helpdesk';

/** The DM between one console user and the bot. */
export function dmChannelId(chatUserId: string): string {
  return `dm-${chatUserId}`;
}

export function createConsoleSurface(options: ConsoleSurfaceOptions): ConsoleSurface {
  const { directory } = options;
  const logger = options.logger.child({ surface: 'console' });
  const now = options.now ?? (() => new Date());
  const maxMessages = options.maxMessagesPerConversation ?? 500;
  const maxConversations = options.maxConversations ?? 1000;
  const maxEscalations = options.maxEscalations ?? 200;

  // Map iteration order is insertion order; re-inserting on write keeps the most active last.
  const conversations = new Map<string, ConsoleMessage[]>();
  const helpdesk: ConsoleEscalation[] = [];
  const listeners = new Set<ConsoleEventListener>();

  function emit(event: ConsoleEvent): void {
    for (const listener of listeners) {
      try {
        listener(structuredClone(event));
      } catch (error) {
        // One broken subscriber (a closed socket) must not stop the bot's reply reaching the others.
        logger.warn({ err: error, event: event.type }, 'console subscriber failed');
      }
    }
  }

  function append(message: ConsoleMessage): void {
    const list = conversations.get(message.channelId) ?? [];
    conversations.delete(message.channelId);
    conversations.set(message.channelId, list);
    list.push(message);
    if (list.length > maxMessages) list.splice(0, list.length - maxMessages);
    while (conversations.size > maxConversations) {
      const oldest = conversations.keys().next();
      if (oldest.done === true) break;
      conversations.delete(oldest.value);
    }
  }

  function ownerOf(channelId: string): string | undefined {
    return channelId.startsWith('dm-') ? channelId.slice(3) : undefined;
  }

  function assertConsole(conversation: ConversationRef): void {
    if (conversation.surface !== 'console') {
      throw new AppError('chat.bad_request', `The console cannot post into a ${conversation.surface} conversation.`, {
        details: { surface: conversation.surface },
      });
    }
  }

  function findPerson(chatUserId: string): Promise<ConsolePerson | undefined> {
    return directory.listPeople().then((people) => people.find((person) => person.chatUserId === chatUserId));
  }

  return {
    surface: 'console',

    async lookupUser(chatUserId: string): Promise<ChatIdentity> {
      const person = await findPerson(chatUserId);
      if (person === undefined) {
        throw new AppError('identity.not_found', 'This console user is not in the demo directory.', {
          details: { chatUserId },
        });
      }
      // Console users are sandbox directory users on this machine: never external, never a bot.
      return {
        chatUserId: person.chatUserId,
        email: person.email,
        displayName: person.displayName,
        isBot: false,
        isExternal: false,
        isDeleted: false,
      };
    },

    async post(conversation: ConversationRef, message: OutboundMessage): Promise<string> {
      assertConsole(conversation);
      const id = `cm-${randomUUID()}`;
      const owner = ownerOf(conversation.channelId);
      const stored: ConsoleMessage = {
        ...contentOf(message),
        id,
        channelId: conversation.channelId,
        threadId: conversation.threadId ?? id,
        author: 'bot',
        ...(owner === undefined ? {} : { chatUserId: owner }),
        postedAt: now().toISOString(),
        version: 1,
      };
      append(stored);
      logger.debug({ channelId: stored.channelId, messageId: id, threadId: stored.threadId }, 'console post');
      emit({ type: 'message', message: stored });
      return id;
    },

    async update(conversation: ConversationRef, messageId: string, message: OutboundMessage): Promise<void> {
      assertConsole(conversation);
      const list = conversations.get(conversation.channelId) ?? [];
      const index = list.findIndex((item) => item.id === messageId);
      const current = list[index];
      if (current === undefined || current.author !== 'bot') {
        // Like Slack's `message_not_found`: retrying cannot make an evicted or foreign message appear.
        throw new AppError('chat.bad_request', 'The message to update is not in this console conversation.', {
          details: { channelId: conversation.channelId, messageId },
        });
      }
      const updated: ConsoleMessage = {
        ...contentOf(message),
        id: current.id,
        channelId: current.channelId,
        threadId: current.threadId,
        author: current.author,
        ...(current.chatUserId === undefined ? {} : { chatUserId: current.chatUserId }),
        postedAt: current.postedAt,
        editedAt: now().toISOString(),
        version: current.version + 1,
      };
      list[index] = updated;
      logger.debug({ channelId: current.channelId, messageId }, 'console update');
      emit({ type: 'update', message: updated });
    },

    /** The directory person with this email (case-insensitive): console emails are the IdP's. */
    async findUserByEmail(email: string): Promise<string | undefined> {
      const wanted = email.trim().toLowerCase();
      if (wanted.length === 0) return undefined;
      const people = await directory.listPeople();
      return people.find((person) => person.email.toLowerCase() === wanted)?.chatUserId;
    },

    async openDirectConversation(chatUserId: string): Promise<ConversationRef> {
      if ((await findPerson(chatUserId)) === undefined) {
        // Like Slack's conversations.open `user_not_found`: nobody to open a DM with.
        throw new AppError('chat.bad_request', 'This console user is not in the demo directory.', { details: { chatUserId } });
      }
      return { surface: 'console', channelId: dmChannelId(chatUserId) };
    },

    async escalate(escalation: Escalation): Promise<PostedMessage> {
      const stored: ConsoleEscalation = {
        ...structuredClone(escalation),
        id: `esc-${randomUUID()}`,
        at: now().toISOString(),
        version: 1,
      };
      helpdesk.push(stored);
      if (helpdesk.length > maxEscalations) helpdesk.splice(0, helpdesk.length - maxEscalations);
      logger.info({ requestId: escalation.requestId, severity: escalation.severity, escalationId: stored.id }, 'console escalation');
      emit({ type: 'escalation', escalation: stored });
      return { conversation: { surface: 'console', channelId: HELPDESK_CHANNEL_ID }, messageId: stored.id };
    },

    async updateEscalation(posted: PostedMessage, escalation: Escalation): Promise<void> {
      const index = helpdesk.findIndex((item) => item.id === posted.messageId);
      const current = helpdesk[index];
      if (posted.conversation.surface !== 'console' || posted.conversation.channelId !== HELPDESK_CHANNEL_ID || current === undefined) {
        // Like Slack's `message_not_found`: retrying cannot make an evicted or foreign card appear.
        throw new AppError('chat.bad_request', 'The case card to update is not in the console helpdesk channel.', {
          details: { channelId: posted.conversation.channelId, messageId: posted.messageId },
        });
      }
      // Whole replacement, as chat.update: buttons or a status left out are gone from the card.
      const updated: ConsoleEscalation = {
        ...structuredClone(escalation),
        id: current.id,
        at: current.at,
        updatedAt: now().toISOString(),
        version: current.version + 1,
      };
      helpdesk[index] = updated;
      logger.debug({ escalationId: current.id, requestId: escalation.requestId }, 'console escalation update');
      emit({ type: 'escalation_update', escalation: updated });
    },

    listPeople: () => directory.listPeople(),
    findPerson,

    recordUserMessage(chatUserId: string, text: string): ConsoleMessage {
      const id = `cm-${randomUUID()}`;
      const stored: ConsoleMessage = {
        id,
        channelId: dmChannelId(chatUserId),
        threadId: id,
        author: 'user',
        chatUserId,
        text,
        postedAt: now().toISOString(),
        version: 1,
      };
      append(stored);
      emit({ type: 'message', message: stored });
      return structuredClone(stored);
    },

    getMessage(channelId: string, messageId: string): ConsoleMessage | undefined {
      const found = conversations.get(channelId)?.find((item) => item.id === messageId);
      return found === undefined ? undefined : structuredClone(found);
    },

    findMessage(messageId: string): ConsoleMessage | undefined {
      for (const list of conversations.values()) {
        const found = list.find((item) => item.id === messageId);
        if (found !== undefined) return structuredClone(found);
      }
      return undefined;
    },

    history: (channelId: string) => structuredClone(conversations.get(channelId) ?? []),
    escalations: () => structuredClone(helpdesk),
    getEscalation(id: string): ConsoleEscalation | undefined {
      const found = helpdesk.find((item) => item.id === id);
      return found === undefined ? undefined : structuredClone(found);
    },

    subscribe(listener: ConsoleEventListener): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Copies only the renderable fields, so a caller mutating its message later changes nothing here. */
function contentOf(message: OutboundMessage): Pick<ConsoleMessage, 'text' | 'emphasis' | 'tone' | 'buttons' | 'context'> {
  return {
    text: message.text,
    ...(message.emphasis === undefined ? {} : { emphasis: message.emphasis }),
    ...(message.tone === undefined ? {} : { tone: message.tone }),
    ...(message.buttons === undefined ? {} : { buttons: message.buttons.map((button) => ({ ...button })) }),
    ...(message.context === undefined ? {} : { context: [...message.context] }),
  };
}
