import { randomUUID } from 'node:crypto';
import { CHAT_ACTIONS } from '@keyward/core';
import type { AuditLog, ChatActionId, InboundAction, InboundHandlers, InboundMessage, Logger } from '@keyward/core';
import type { ConsolePerson } from './console-directory';
import type { AuditFeed } from './audit-feed';
import { dmChannelId } from './console-surface';
import type { ConsoleSurface } from './console-surface';
import { optionalCount, optionalString, requireQueryString, requireString } from './http-body';
import type { JsonObject } from './http-body';
import { HttpProblem } from './http-problem';
import type { PhoneSimulator } from './phone-simulator';

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
      if (choice === 'deny') {
        await phone.answer(email, transactionId, { approve: false });
      } else if (typeof choice === 'number' && Number.isInteger(choice) && choice >= 0 && choice <= 999) {
        await phone.answer(email, transactionId, { approve: true, number: choice });
      } else {
        throw new HttpProblem(400, 'body.invalid', '"choice" must be a whole number from 0 to 999, or "deny".');
      }
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
      if (!isChatActionId(actionId)) throw new HttpProblem(400, 'body.invalid', `"${actionId}" is not a console action.`);
      await person(chatUserId);

      // The click must match a button the bot really posted in this person's DM, as on Slack, where a
      // click arrives signed with the message it came from. It also stops a stale page clicking a card
      // that has since moved to its final state.
      const channelId = dmChannelId(chatUserId);
      const carrier = surface.getMessage(channelId, messageId);
      const hasButton = carrier?.buttons?.some((button) => button.actionId === actionId && button.value === value);
      if (carrier === undefined || hasButton !== true) {
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
      if (actionId === CHAT_ACTIONS.revealSecret) {
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

function isChatActionId(value: string): value is ChatActionId {
  return ACTION_IDS.has(value);
}
