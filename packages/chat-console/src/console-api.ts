import { randomUUID } from 'node:crypto';
import { BUTTON_OWNERS, CHAT_ACTIONS, NOTE_ACTIONS, replies } from '@keyward/core';
import type { AuditLog, ChatActionId, ChatButton, InboundAction, InboundHandlers, InboundMessage, Logger } from '@keyward/core';
import type { ConsolePerson } from './console-directory';
import type { AuditFeed } from './audit-feed';
import { dmChannelId, HELPDESK_CHANNEL_ID } from './console-surface';
import type { ConsoleSurface } from './console-surface';
import { optionalCount, optionalString, requireQueryString, requireString } from './http-body';
import type { JsonObject } from './http-body';
import { HttpProblem } from './http-problem';
import type { PhoneSimulator, PushAnswer } from './phone-simulator';

export interface ConsoleApiDeps {
  surface: ConsoleSurface;
  handlers: InboundHandlers;
  phone: PhoneSimulator;
  audit: AuditLog;
  auditFeed: AuditFeed;
  logger: Logger;
  now: () => Date;
}

/** An API answer: status and JSON body. */
export interface ApiResult {
  status: number;
  body: unknown;
}

const ID_MAX = 200;
const TEXT_MAX = 4000;
const VALUE_MAX = 2000;
const ACTION_IDS = new Set<string>(Object.values(CHAT_ACTIONS));
/** Same limit as the Slack note modal, so a note means the same on every surface. */
export const CONSOLE_NOTE_MAX_LENGTH = 1000;
/** Resolve and reject tell the requester what happened, so they need words; a denial may be bare. */
const NOTE_REQUIRED = new Set<ChatActionId>([CHAT_ACTIONS.caseResolve, CHAT_ACTIONS.caseReject]);

/** The console's JSON API. Each method validates its input and calls exactly the ports it needs. */
export interface ConsoleApi {
  people(): Promise<ApiResult>;
  conversation(query: URLSearchParams): Promise<ApiResult>;
  escalations(): Promise<ApiResult>;
  audit(query: URLSearchParams): Promise<ApiResult>;
  phone(query: URLSearchParams): Promise<ApiResult>;
  answerPhone(body: JsonObject): Promise<ApiResult>;
  sendMessage(body: JsonObject): Promise<ApiResult>;
  clickButton(body: JsonObject): Promise<ApiResult>;
}

export function createConsoleApi(deps: ConsoleApiDeps): ConsoleApi {
  const { surface, handlers, phone, now } = deps;

  async function person(chatUserId: string): Promise<ConsolePerson> {
    const found = await surface.findPerson(chatUserId);
    if (found === undefined) {
      throw new HttpProblem(404, 'person.unknown', `There is no demo person "${chatUserId}".`);
    }
    return found;
  }

  return {
    async people() {
      return { status: 200, body: { people: await surface.listPeople() } };
    },

    async conversation(query) {
      const chatUserId = requireQueryString(query, 'chatUserId', ID_MAX);
      await person(chatUserId);
      return { status: 200, body: { messages: surface.history(dmChannelId(chatUserId)) } };
    },

    async escalations() {
      return { status: 200, body: { escalations: surface.escalations() } };
    },

    async audit(query) {
      const afterSeq = optionalCount(query, 'afterSeq');
      const records =
        afterSeq === undefined ? await deps.auditFeed.recent() : await deps.audit.list({ afterSeq, limit: 200 });
      return { status: 200, body: { records } };
    },

    async phone(query) {
      const { email } = await person(requireQueryString(query, 'chatUserId', ID_MAX));
      const pending = await phone.listPending(email);
      return {
        status: 200,
        body: {
          email,
          pending: pending.map((push) => ({
            transactionId: push.transactionId,
            createdAt: push.createdAt.toISOString(),
            choices: [...push.choices],
          })),
        },
      };
    },

    async answerPhone(body) {
      const { email } = await person(requireString(body, 'chatUserId', { maxLength: ID_MAX }));
      const transactionId = requireString(body, 'transactionId', { maxLength: ID_MAX });
      const choice = body['choice'];
      let answer: PushAnswer;
      if (choice === 'deny') {
        answer = { approve: false };
      } else if (typeof choice === 'number' && Number.isInteger(choice) && choice >= 0 && choice <= 999) {
        answer = { approve: true, number: choice };
      } else {
        throw new HttpProblem(400, 'body.invalid', '"choice" must be a whole number from 0 to 999, or "deny".');
      }
      const outcome = await phone.answer(email, transactionId, answer);
      // Refusals, not failures: a stale page or a wrong id, answered like any other bad request.
      if (outcome === 'unknown') throw new HttpProblem(404, 'phone.push_unknown', 'There is no pending push with this id: it was answered, expired or never sent.');
      if (outcome === 'not_yours') throw new HttpProblem(403, 'phone.push_not_yours', 'This push was sent to someone else\'s phone.');
      return { status: 200, body: { ok: true } };
    },

    async sendMessage(body) {
      const chatUserId = requireString(body, 'chatUserId', { maxLength: ID_MAX });
      const text = requireString(body, 'text', { maxLength: TEXT_MAX, nonBlank: true });
      await person(chatUserId);
      const recorded = surface.recordUserMessage(chatUserId, text);
      const message: InboundMessage = {
        eventId: `console:${randomUUID()}`,
        conversation: { surface: 'console', channelId: recorded.channelId, threadId: recorded.id },
        chatUserId,
        messageId: recorded.id,
        text,
        receivedAt: now(),
      };
      await handlers.onMessage(message);
      return { status: 202, body: { messageId: recorded.id, threadId: recorded.threadId } };
    },

    async clickButton(body) {
      const chatUserId = requireString(body, 'chatUserId', { maxLength: ID_MAX });
      const actionId = requireString(body, 'actionId', { maxLength: 100 });
      const value = body['value'];
      // A button value may legitimately be empty, so it is checked here rather than by requireString.
      if (typeof value !== 'string' || value.length > VALUE_MAX) {
        throw new HttpProblem(400, 'body.invalid', `"value" must be a string of at most ${VALUE_MAX} characters.`);
      }
      const messageId = requireString(body, 'messageId', { maxLength: ID_MAX });
      // Checked for shape only: the thread is taken from the stored message, which the page cannot forge.
      optionalString(body, 'threadId', { maxLength: ID_MAX });
      const channelId = optionalString(body, 'channelId', { maxLength: ID_MAX }) ?? dmChannelId(chatUserId);
      if (!isChatActionId(actionId)) throw new HttpProblem(400, 'body.invalid', `"${actionId}" is not a console action.`);
      const note = readNote(body, actionId);
      await person(chatUserId);

      // The click must match a button the bot really posted — in this person's own DM or on a case
      // card in the helpdesk channel — as on Slack, where a click arrives signed with the message it
      // came from. It also stops a stale page clicking a card that has since moved to its final state.
      const ownDm = dmChannelId(chatUserId);
      let carrier: { buttons?: ChatButton[]; threadId: string } | undefined;
      if (channelId === HELPDESK_CHANNEL_ID) {
        const card = surface.getEscalation(messageId);
        carrier = card === undefined ? undefined : { ...(card.buttons === undefined ? {} : { buttons: card.buttons }), threadId: card.id };
      } else if (channelId === ownDm) {
        carrier = surface.getMessage(channelId, messageId);
      }
      if (!carries(carrier, actionId, value)) {
        // Refused either way; the reason must be the true one. A live button in another person's DM
        // (only the API can reach it) is theirs, not stale: say whose it is, by role, never by name.
        const elsewhere = surface.findMessage(messageId);
        if (elsewhere !== undefined && elsewhere.channelId !== ownDm && elsewhere.chatUserId !== chatUserId && carries(elsewhere, actionId, value)) {
          deps.logger.warn({ chatUserId, channelId: elsewhere.channelId, messageId, actionId }, "console click refused: the button is in someone else's DM");
          throw new HttpProblem(403, 'action.not_yours', replies.notYourButton(BUTTON_OWNERS[actionId]).text);
        }
        if (channelId !== HELPDESK_CHANNEL_ID && channelId !== ownDm) {
          throw new HttpProblem(403, 'action.forbidden', 'You can only click buttons in your own DM or in the helpdesk channel.');
        }
        throw new HttpProblem(409, 'action.stale', 'That button is no longer available. The message has changed.');
      }
      const action: InboundAction = {
        eventId: `console:${randomUUID()}`,
        conversation: { surface: 'console', channelId, threadId: carrier.threadId },
        chatUserId,
        actionId,
        value,
        messageId,
        receivedAt: now(),
      };
      if (note !== undefined) action.note = note;
      if (actionId === CHAT_ACTIONS.revealSecret) {
        if (channelId !== dmChannelId(chatUserId)) throw new HttpProblem(409, 'action.stale', 'That button is no longer available. The message has changed.');
        // The secret goes back in this HTTP answer only: never into history, the event stream or a log.
        const revealed = await handlers.onRevealSecret(action);
        return {
          status: 200,
          body: { reveal: { title: revealed.title, secret: revealed.secret, note: revealed.note, isLink: revealed.isLink } },
        };
      }
      await handlers.onAction(action);
      return { status: 202, body: { ok: true } };
    },
  };
}

/**
 * `note`: what the clicker typed for a NOTE_ACTIONS button (resolve / reject a case, deny an
 * approval), at most 1000 characters, trimmed. Required for resolve and reject; refused on any other
 * button, so a note can never ride along with an action that would silently drop it.
 */
function readNote(body: JsonObject, actionId: ChatActionId): string | undefined {
  const raw = body['note'];
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw new HttpProblem(400, 'body.invalid', '"note" must be a string when present.');
  if (typeof raw === 'string' && raw.length > CONSOLE_NOTE_MAX_LENGTH) {
    throw new HttpProblem(400, 'body.invalid', `"note" is longer than ${CONSOLE_NOTE_MAX_LENGTH} characters.`);
  }
  const note = typeof raw === 'string' && raw.trim().length > 0 ? raw.trim() : undefined;
  if (!NOTE_ACTIONS.includes(actionId)) {
    if (note !== undefined) throw new HttpProblem(400, 'body.invalid', 'This button does not take a note.');
    return undefined;
  }
  if (note === undefined && NOTE_REQUIRED.has(actionId)) {
    throw new HttpProblem(400, 'body.invalid', 'Write a note: the requester will see it.');
  }
  return note;
}

/** The message still shows this very button (same action, same value). */
function carries<T extends { buttons?: ChatButton[] }>(message: T | undefined, actionId: ChatActionId, value: string): message is T {
  return message?.buttons?.some((button) => button.actionId === actionId && button.value === value) === true;
}

function isChatActionId(value: string): value is ChatActionId {
  return ACTION_IDS.has(value);
}
