import type { IncomingMessage, ServerResponse } from 'node:http';
import { ActivityTypes, CardFactory, TurnContext } from 'botbuilder';
import type { Activity, CloudAdapter, ConversationReference, InvokeResponse } from 'botbuilder';
import { CHAT_ACTIONS, isAppError, RecentIds, systemClock } from '@keyward/core';
import type { ChatActionId, Clock, ConversationRef, InboundAction, InboundHandlers, InboundMessage, Logger } from '@keyward/core';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  HIDE_SECRET_VERB,
  NOTE_INPUT_ID,
  NOTE_MAX_LENGTH,
  isKnownVerb,
  renderClickReceivedCard,
  renderNoticeCard,
  renderOutboundCard,
  renderSecretCard,
  renderShownOnceCard,
} from './adaptive-card-renderer';
import type { AdaptiveCard } from './adaptive-card-renderer';
import { TEAMS_CHANNEL_ID, createBotAuthentication, createCloudAdapter, toConversationRef } from './bot-adapter';
import type { TeamsCredentials } from './bot-adapter';

/** Where Azure Bot Service delivers activities (the bot's "messaging endpoint"). */
export const TEAMS_MESSAGES_PATH = '/api/messages';

export const DM_ONLY_NOTICE = "I only take requests in a personal chat — message me directly and I'll help you there.";
const GENERIC_REVEAL_FAILURE = "I couldn't show this secret. Ask the helpdesk for help, or make a new request.";
const NOTE_NEEDED = 'Type a note first: the requester sees it.';
const CLICK_FAILED = "That didn't go through. Try again in a moment.";

/** Resolve and reject tell the requester what happened, so they need words (same rule as Slack). */
const NOTE_REQUIRED: ReadonlySet<ChatActionId> = new Set([CHAT_ACTIONS.caseResolve, CHAT_ACTIONS.caseReject]);

const RECEIVED_LABEL: Partial<Record<ChatActionId, string>> = {
  [CHAT_ACTIONS.approve]: 'Approval',
  [CHAT_ACTIONS.deny]: 'Denial',
  [CHAT_ACTIONS.caseTake]: 'Take',
  [CHAT_ACTIONS.caseResolve]: 'Resolution',
  [CHAT_ACTIONS.caseReject]: 'Rejection',
  [CHAT_ACTIONS.choose]: 'Your choice',
  [CHAT_ACTIONS.noDevice]: '"No device"',
  [CHAT_ACTIONS.cancelRequest]: 'Cancel',
};

/** Bodies larger than this are refused before parsing (Teams activities are capped around 40 KB). */
const MAX_BODY_BYTES = 256 * 1024;

export interface TeamsBotOptions extends TeamsCredentials {
  handlers: InboundHandlers;
  logger: Logger;
  clock?: Clock;
  /** How long a revealed secret stays on the card before it is replaced by "shown once" (default 60 s). */
  secretVisibleMs?: number;
  /** Shared with the surface (one connector pipeline); created from the credentials otherwise. */
  adapter?: CloudAdapter;
}

export interface TeamsBot {
  /** Gateway route: answers `POST /api/messages` and returns true; false for every other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  readonly adapter: CloudAdapter;
  /** Replaces every secret card still showing a secret (shutdown must not leave one in history). */
  close(): Promise<void>;
}

/** The `adaptiveCard/action` response envelope; `value` is the card that replaces the clicked one. */
function cardResponse(card: AdaptiveCard): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card } };
}

/** The documented error envelope (`application/vnd.microsoft.error`): Teams shows the message, card unchanged. */
function errorResponse(statusCode: number, message: string): InvokeResponse {
  return { status: 200, body: { statusCode, type: 'application/vnd.microsoft.error', value: { code: statusCode === 400 ? 'BadRequest' : 'InternalError', message } } };
}

/** A plain-text message response: Teams shows it and leaves the card as it is. */
function messageResponse(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function tenantOf(activity: Activity): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromConversation === 'string' && fromConversation.length > 0) return fromConversation;
  const fromChannelData = record(record(activity.channelData)['tenant'])['id'];
  return typeof fromChannelData === 'string' && fromChannelData.length > 0 ? fromChannelData : undefined;
}

/**
 * The verified user id is the Entra object id Teams puts in `from.aadObjectId` (covered by the Bot
 * Framework JWT). Without one (anonymous / federated users) we fall back to the opaque Teams id,
 * which lookupUser never serves — no guessing from names or emails.
 */
function chatUserIdOf(activity: Activity): string | undefined {
  const aad = activity.from?.aadObjectId;
  if (typeof aad === 'string' && aad.length > 0) return aad;
  const id = activity.from?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function conversationOf(activity: Activity, tenantId: string): ConversationRef {
  const conversationType = activity.conversation?.conversationType;
  return toConversationRef(activity.conversation.id, {
    serviceUrl: activity.serviceUrl,
    tenantId,
    ...(typeof conversationType === 'string' ? { conversationType } : {}),
  });
}

/** A minimal botbuilder `Response` over node's ServerResponse. */
function responseShim(res: ServerResponse): { status(code: number): void; send(body?: unknown): void; end(): void; header(name: string, value: unknown): void; socket: unknown } {
  let statusCode = 200;
  let payload: string | undefined;
  let ended = false;
  return {
    socket: res.socket,
    status(code: number) {
      statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(body?: unknown) {
      if (body === undefined) return;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string') res.setHeader('content-type', 'application/json; charset=utf-8');
    },
    end() {
      if (ended) return;
      ended = true;
      res.statusCode = statusCode;
      res.end(payload);
    },
  };
}

/** What CloudAdapter needs before anything else: an object with a string `type` (Bot Framework Activity). */
/**
 * Cheap shape check before the library verifies a token: "Bearer" and a JWT whose header names an RSA
 * algorithm botbuilder accepts (RS256/384/512) and a key id (Bot Framework signs so). Junk, unsigned ("alg": "none") and HMAC tokens stop here.
 */
export function looksLikeBotFrameworkToken(authorization: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.exec(authorization);
  if (!match?.[1]) return false;
  try {
    const header = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    // The algorithms botbuilder itself accepts; Bot Framework signs with RS256 today.
    return typeof header.alg === 'string' && ['RS256', 'RS384', 'RS512'].includes(header.alg) && typeof header.kid === 'string' && header.kid.length > 0;
  } catch {
    return false;
  }
}

/**
 * People a Teams message mentions, by Entra object id where the mention entity carries one (the id
 * space of `chatUserId`), else by Teams user id; the bot and the sender are left out. An `<at>` tag
 * left in the text without an entity counts too, by its name.
 */
export function teamsMentions(activity: Partial<Activity>, text: string): string[] {
  const ids: string[] = [];
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = (entity as { mentioned?: { id?: unknown; aadObjectId?: unknown } }).mentioned;
    const id = typeof mentioned?.id === 'string' ? mentioned.id : undefined;
    if (id === undefined || id === activity.recipient?.id || id === activity.from?.id) continue;
    const objectId = typeof mentioned?.aadObjectId === 'string' ? mentioned.aadObjectId : undefined;
    if (objectId !== undefined && objectId === activity.from?.aadObjectId) continue;
    ids.push(objectId ?? id);
  }
  if (ids.length === 0) {
    for (const tag of text.matchAll(/<at>([^<]{1,100})<\/at>/gi)) ids.push(`mention:${(tag[1] ?? '').trim()}`);
  }
  return [...new Set(ids)];
}

function isActivityBody(body: unknown): body is Record<string, unknown> {
  const type = record(body)['type'];
  return typeof type === 'string' && type.length > 0;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/**
 * The Teams bot endpoint on CloudAdapter. Handlers only persist and enqueue (InboundHandlers), so every
 * turn answers well inside Teams' ~15 s window and a slow IdP never causes a redelivery (F03). A
 * redelivered activity keeps its `id`, so it reaches the core with the same eventId and is deduped there.
 */
export function createTeamsBot(options: TeamsBotOptions): TeamsBot {
  const adapter = options.adapter ?? createCloudAdapter(options);
  // Same credentials as the adapter: checks the token of a request whose body the adapter would refuse.
  const authentication = createBotAuthentication(options);
  // Without an app id the adapter runs unauthenticated (local development against the emulator).
  const emulatorMode = !options.appId;
  const logger = options.logger.child({ surface: 'teams' });
  const clock = options.clock ?? systemClock;
  const secretVisibleMs = options.secretVisibleMs ?? 60_000;
  const notices = new RecentIds();
  const pendingHides = new Map<string, { timer: NodeJS.Timeout; run: () => Promise<void> }>();

  const replaceSecretCard = (reference: Partial<ConversationReference>, messageId: string): Promise<void> =>
    adapter
      .continueConversationAsync(options.appId ?? '', reference, async (context) => {
        await context.updateActivity({ type: 'message', id: messageId, attachments: [CardFactory.adaptiveCard(renderShownOnceCard())] });
      })
      .catch((error: unknown) => logger.warn({ err: errorText(error) }, 'could not replace the secret card'));

  const scheduleHide = (activity: Activity): void => {
    const messageId = activity.replyToId;
    if (!messageId) return;
    const reference = TurnContext.getConversationReference(activity);
    delete reference.activityId;
    const key = `${activity.conversation.id}|${messageId}`;
    const previous = pendingHides.get(key);
    if (previous) clearTimeout(previous.timer);
    const run = async (): Promise<void> => {
      pendingHides.delete(key);
      await replaceSecretCard(reference, messageId);
    };
    const timer = setTimeout(() => void run(), secretVisibleMs);
    timer.unref();
    pendingHides.set(key, { timer, run });
  };

  const onMessage = async (context: TurnContext, tenantId: string): Promise<void> => {
    const activity = context.activity;
    const log = logger.child({ activityId: activity.id });
    const conversationType = activity.conversation?.conversationType;
    if (conversationType !== 'personal') {
      // Channels and group chats: requests are only taken one to one (nobody else reads the answers).
      if (notices.firstSighting(`teams:${activity.id}`)) {
        await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(renderOutboundCard({ text: DM_ONLY_NOTICE, tone: 'info' }))] });
      }
      return;
    }
    const chatUserId = chatUserIdOf(activity);
    // Text only: card submits (`value`) and attachments are not requests. Mentions of the bot are removed.
    const text = (TurnContext.removeRecipientMention(activity) ?? activity.text ?? '').trim();
    if (chatUserId === undefined || text.length === 0 || typeof activity.id !== 'string') {
      log.debug({ hasUser: chatUserId !== undefined }, 'teams message without user, id or text ignored');
      return;
    }
    const message: InboundMessage = {
      eventId: `teams:${activity.id}`,
      conversation: conversationOf(activity, tenantId),
      chatUserId,
      chatTeamId: tenantId,
      messageId: activity.id,
      text,
      receivedAt: clock.now(),
    };
    const mentioned = teamsMentions(activity, text);
    if (mentioned.length > 0) message.mentionedUserIds = mentioned;
    try {
      await options.handlers.onMessage(message);
    } catch (error) {
      log.error({ err: errorText(error) }, 'onMessage failed');
    }
  };

  const onCardAction = async (context: TurnContext, tenantId: string): Promise<InvokeResponse> => {
    const activity = context.activity;
    const value = record(activity.value);
    const action = record(value['action']);
    const verb = typeof action['verb'] === 'string' ? action['verb'] : '';
    const data = record(action['data']);
    const log = logger.child({ activityId: activity.id, verb });
    if (value['trigger'] === 'automatic') {
      // Our cards declare no `refresh`, so Teams should never ask; if it does, the answer is read-only:
      // no handler runs and nothing is posted or updated (F04: a refresh must not cause an update loop).
      return messageResponse('Nothing to refresh.');
    }
    if (verb === HIDE_SECRET_VERB) {
      const key = `${activity.conversation.id}|${activity.replyToId ?? ''}`;
      const pending = pendingHides.get(key);
      if (pending) {
        clearTimeout(pending.timer);
        pendingHides.delete(key);
      }
      return cardResponse(renderShownOnceCard());
    }
    const chatUserId = chatUserIdOf(activity);
    if (!isKnownVerb(verb) || chatUserId === undefined || typeof activity.id !== 'string') {
      log.warn({}, 'unknown card action ignored');
      return errorResponse(400, 'This button is no longer supported.');
    }
    const rawNote = typeof data[NOTE_INPUT_ID] === 'string' ? (data[NOTE_INPUT_ID] as string).trim().slice(0, NOTE_MAX_LENGTH) : '';
    const inbound: InboundAction = {
      // Teams gives every click its own activity id and a redelivery the same one (F03).
      eventId: `teams:${activity.id}`,
      conversation: conversationOf(activity, tenantId),
      chatUserId,
      chatTeamId: tenantId,
      actionId: verb,
      value: typeof data['value'] === 'string' ? data['value'] : '',
      receivedAt: clock.now(),
    };
    if (activity.replyToId) inbound.messageId = activity.replyToId;
    if (rawNote.length > 0) inbound.note = rawNote;

    if (verb === CHAT_ACTIONS.revealSecret) {
      try {
        const secret = await options.handlers.onRevealSecret(inbound);
        // The secret leaves only in this HTTP response (never a posted or logged activity); the card
        // is swapped for "shown once" after `secretVisibleMs`, or at once with "Hide now".
        scheduleHide(activity);
        return cardResponse(renderSecretCard(secret));
      } catch (error) {
        // secret.* messages are user-safe by the port's contract; anything else is not shown.
        const sentence = isAppError(error) && error.code.startsWith('secret.') ? error.message : GENERIC_REVEAL_FAILURE;
        log.warn({ code: isAppError(error) ? error.code : 'unknown' }, 'secret not revealed');
        return cardResponse(renderNoticeCard(sentence));
      }
    }
    if (NOTE_REQUIRED.has(verb) && inbound.note === undefined) return errorResponse(400, NOTE_NEEDED);
    try {
      await options.handlers.onAction(inbound);
    } catch (error) {
      // The card keeps its buttons (error envelope, card unchanged) so the click can be repeated.
      log.error({ err: errorText(error) }, 'onAction failed');
      return errorResponse(500, CLICK_FAILED);
    }
    const name = typeof activity.from?.name === 'string' && activity.from.name.length > 0 ? activity.from.name : undefined;
    return cardResponse(renderClickReceivedCard(RECEIVED_LABEL[verb] ?? 'Click', name, inbound.note));
  };

  // Errors are caught here rather than with `adapter.onTurnError`: the adapter is shared with the
  // surface, whose proactive turns must see their connector errors (F05) instead of a swallowed log line.
  const onTurn = async (context: TurnContext): Promise<void> => {
    try {
      await runTurn(context);
    } catch (error) {
      logger.error({ err: errorText(error), type: context.activity.type }, 'teams turn failed');
      if (context.activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: errorResponse(500, CLICK_FAILED) });
    }
  };

  const runTurn = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    if (activity.channelId !== TEAMS_CHANNEL_ID) {
      logger.debug({ channelId: activity.channelId }, 'non-Teams activity ignored');
      if (activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 400 } });
      return;
    }
    const tenantId = tenantOf(activity) ?? '';
    if (activity.type === ActivityTypes.Message) {
      await onMessage(context, tenantId);
      return;
    }
    if (activity.type === ActivityTypes.Invoke) {
      const response = activity.name === 'adaptiveCard/action' ? await onCardAction(context, tenantId) : { status: 501 };
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: response });
      return;
    }
    // conversationUpdate / installationUpdate / messageUpdate (edits: F01, an edit never re-runs a request)…
    logger.debug({ type: activity.type }, 'teams activity ignored');
  };

  /**
   * Why this activity's token is refused (401 for a bad or missing token; 503 when the check could
   * not run, e.g. Bot Framework's signing keys are unreachable), or undefined when it is accepted.
   */
  const tokenRefusal = async (req: IncomingMessage, activity: Partial<Activity>): Promise<{ status: number; reason: string } | undefined> => {
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    if (!emulatorMode && !looksLikeBotFrameworkToken(header)) return { status: 401, reason: 'no RS256 bearer token with a key id' };
    try {
      await authentication.authenticateRequest(activity as Activity, header);
      return undefined;
    } catch (error) {
      const { statusCode, name } = error as { statusCode?: number; name?: string };
      const reason = errorText(error).split('\n')[0]?.slice(0, 200) ?? 'unknown';
      const refused = (statusCode !== undefined && statusCode >= 400 && statusCode < 500) || /^(?:JsonWebTokenError|TokenExpiredError|NotBeforeError)$/.test(name ?? '');
      return { status: refused ? 401 : 503, reason };
    }
  };

  return {
    adapter,
    async handle(req, res) {
      const pathname = (req.url ?? '/').split('?')[0];
      if (pathname !== TEAMS_MESSAGES_PATH) return false;
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' });
        res.end();
        return true;
      }
      let body: unknown;
      try {
        body = await readBody(req);
      } catch (error) {
        if ((error as { status?: number }).status === 413) {
          res.writeHead(413);
          res.end();
          return true;
        }
        body = undefined;
      }
      if (!isActivityBody(body)) {
        // Authenticate first: a caller without a valid token learns 401 and nothing about its body.
        // Teams' tokens are endorsed for the msteams channel; without an activity there is no service
        // URL to compare the token's claim with.
        const status = (await tokenRefusal(req, { channelId: TEAMS_CHANNEL_ID, serviceUrl: '' })) === undefined ? 400 : 401;
        logger.warn({ status }, 'teams request refused: not an activity');
        res.writeHead(status);
        res.end();
        return true;
      }
      // Authenticate before the adapter sees the activity: botbuilder writes every refused token to
      // the console as a multi-line stack trace, so anonymous callers could flood the logs with lines
      // outside the JSON logger. A refused token is one warn line here and a 401.
      const refused = await tokenRefusal(req, body);
      if (refused !== undefined) {
        logger.warn({ status: refused.status, reason: refused.reason }, 'teams request refused: authentication');
        res.writeHead(refused.status);
        res.end();
        return true;
      }
      try {
        // CloudAdapter checks the JWT again (when an app id is set) before running `onTurn`.
        await adapter.process({ body, headers: req.headers, method: req.method }, responseShim(res), onTurn);
      } catch (error) {
        logger.error({ err: errorText(error) }, 'teams request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
      return true;
    },
    async close() {
      const pending = [...pendingHides.values()];
      pendingHides.clear();
      for (const hide of pending) clearTimeout(hide.timer);
      await Promise.all(pending.map((hide) => hide.run()));
    },
  };
}
