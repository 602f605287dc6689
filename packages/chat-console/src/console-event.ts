import type { AuditRecord, ChatButton, Escalation, OutboundMessage } from '@keyward/core';

/** One message in a console conversation, as the page renders it. Plain text only. */
export interface ConsoleMessage {
  id: string;
  channelId: string;
  /** Thread root id; a message that starts a thread has `threadId === id`. */
  threadId: string;
  author: 'user' | 'bot';
  /** The employee who wrote it (author `user`) or the DM owner (author `bot`), when known. */
  chatUserId?: string;
  text: string;
  emphasis?: string;
  tone?: OutboundMessage['tone'];
  buttons?: ChatButton[];
  context?: string[];
  postedAt: string;
  editedAt?: string;
  /** Grows on every update, so the page can drop an event older than what it already shows. */
  version: number;
}

/** A helpdesk case card: the escalation as last posted or updated. */
export interface ConsoleEscalation extends Escalation {
  id: string;
  at: string;
  updatedAt?: string;
  /** Grows on every update, so the page can drop an event older than what it already shows. */
  version: number;
}

/** What the surface and the audit feed push to the page over Server-Sent Events. */
export type ConsoleEvent =
  | { type: 'message'; message: ConsoleMessage }
  | { type: 'update'; message: ConsoleMessage }
  | { type: 'escalation'; escalation: ConsoleEscalation }
  | { type: 'escalation_update'; escalation: ConsoleEscalation }
  | { type: 'audit'; records: AuditRecord[] };

export type ConsoleEventListener = (event: ConsoleEvent) => void;
