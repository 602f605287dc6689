import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP fake of the Bot Framework Connector service as Teams runs it (the `serviceUrl` of every
 * activity), for the calls a bot makes: send / reply / update an activity, create a personal
 * conversation, read a member. Errors use the connector's `{ error: { code, message } }` body.
 * A conversation can be marked gone: 403 `BotNotInConversationRoster` (app removed, user left) or
 * 404 `ConversationNotFound` (BotFramework-Services #344 / #352), which is F05.
 *
 * Opt-in realism for approver tests (the defaults keep every known member reachable everywhere):
 * - team membership: once a conversation (the helpdesk channel) has a declared roster, its member API
 *   answers only for those members, 404 `MemberNotFoundInConversation` for anyone else, as Teams does
 *   for a bot asking about someone outside the team;
 * - the app not installed for a member: creating their personal conversation (and posting into it)
 *   answers 403 `BotNotInConversationRoster`, which is what the service answers for a user who never
 *   installed the bot (OfficeDev/microsoft-teams-apps-company-communicator #744).
 */
export interface TeamsMember {
  /** Teams user id (`29:…`), as `from.id` carries it. */
  id: string;
  aadObjectId: string;
  name: string;
  userPrincipalName: string;
  email?: string;
  tenantId: string;
  /** Teams reports `guest` for B2B guests and `anonymous` for meeting guests. */
  userRole?: 'user' | 'guest' | 'anonymous';
}

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  authorization?: string;
  status: number;
  body: unknown;
}

export interface PostedActivity {
  id: string;
  conversationId: string;
  activity: Record<string, unknown>;
  /** Versions replaced by PUT, oldest first. */
  history: Record<string, unknown>[];
}

export interface BotConnectorFake {
  /** serviceUrl of the fake, with a trailing slash as Teams sends it. */
  readonly url: string;
  readonly calls: ConnectorCall[];
  readonly members: Map<string, TeamsMember>;
  addMember(member: TeamsMember): void;
  /** The personal conversation id the fake gives this member (stable, like Teams' `a:…` ids). */
  personalConversationId(aadObjectId: string): string;
  /** Every later call on this conversation answers 403 (not in roster) or 404 (not found). */
  removeConversation(conversationId: string, status: 403 | 404): void;
  /**
   * Declares who is in a team / channel conversation (by Entra object id), replacing any earlier
   * roster. From then on its member reads answer only for them. Undeclared conversations answer for
   * every known member (the default: as if everybody were in every team).
   */
  setConversationMembers(conversationId: string, aadObjectIds: readonly string[]): void;
  /** Whether the app is installed for this member (default: installed). Not installed: 403 on create conversation. */
  setAppInstalled(aadObjectId: string, installed: boolean): void;
  /** Activities the bot sent, by conversation (latest version of each). */
  activities(conversationId?: string): PostedActivity[];
  /** Call log entries that change chat history (POST/PUT of activities, create conversation). */
  writes(): ConnectorCall[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export async function createBotConnectorFake(): Promise<BotConnectorFake> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, TeamsMember>();
  const gone = new Map<string, 403 | 404>();
  const posted = new Map<string, PostedActivity>();
  const personal = new Map<string, string>();
  const rosters = new Map<string, Set<string>>();
  const notInstalled = new Set<string>();
  const NOT_IN_ROSTER = { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } };

  /** The member whose personal conversation this is, when it is one. */
  const personalOwner = (conversationId: string): string | undefined => {
    for (const [aadObjectId, id] of personal) if (id === conversationId) return aadObjectId;
    return undefined;
  };
  const inRoster = (conversationId: string, member: TeamsMember): boolean => {
    const roster = rosters.get(conversationId);
    return roster === undefined || roster.has(member.aadObjectId.toLowerCase());
  };

  const personalConversationId = (aadObjectId: string): string => {
    let id = personal.get(aadObjectId);
    if (id === undefined) {
      id = `a:personal-${aadObjectId}`;
      personal.set(aadObjectId, id);
    }
    return id;
  };

  const findMember = (key: string): TeamsMember | undefined => {
    const lower = decodeURIComponent(key).toLowerCase();
    for (const member of members.values()) {
      if (member.id === key || member.aadObjectId.toLowerCase() === lower || member.userPrincipalName.toLowerCase() === lower) return member;
    }
    return undefined;
  };

  const memberJson = (member: TeamsMember): Record<string, unknown> => ({
    id: member.id,
    name: member.name,
    aadObjectId: member.aadObjectId,
    userPrincipalName: member.userPrincipalName,
    email: member.email,
    tenantId: member.tenantId,
    userRole: member.userRole ?? 'user',
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req);
    const log = (status: number, extra: Partial<ConnectorCall> = {}): void => {
      const call: ConnectorCall = { method, path, status, body, ...extra };
      if (typeof req.headers.authorization === 'string') call.authorization = req.headers.authorization;
      calls.push(call);
    };

    if (method === 'POST' && path === '/v3/conversations') {
      const params = record(body);
      const memberId = String(record((params['members'] as unknown[] | undefined)?.[0])['id'] ?? '');
      const member = findMember(memberId);
      if (!member) {
        log(404);
        return send(res, 404, { error: { code: 'NotFound', message: 'User not found or the bot is not installed for the user' } });
      }
      const id = personalConversationId(member.aadObjectId);
      if (gone.has(id) || notInstalled.has(member.aadObjectId.toLowerCase())) {
        log(403);
        return send(res, 403, NOT_IN_ROSTER);
      }
      log(201, { conversationId: id });
      return send(res, 201, { id });
    }

    const match = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?$/.exec(path);
    if (!match) {
      log(404);
      return send(res, 404, { error: { code: 'NotFound', message: `no route ${method} ${path}` } });
    }
    const conversationId = decodeURIComponent(match[1] as string);
    const kind = match[2];
    const itemId = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    const owner = personalOwner(conversationId);
    const status = gone.get(conversationId) ?? (owner !== undefined && notInstalled.has(owner.toLowerCase()) ? 403 : undefined);
    if (status !== undefined) {
      log(status, { conversationId });
      return status === 403 ? send(res, 403, NOT_IN_ROSTER) : send(res, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
    }

    if (kind === 'members' && method === 'GET' && itemId !== undefined) {
      const member = findMember(itemId);
      if (!member || !inRoster(conversationId, member)) {
        log(404, { conversationId });
        return send(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
      }
      log(200, { conversationId });
      return send(res, 200, memberJson(member));
    }

    if (kind === 'activities' && (method === 'POST' || method === 'PUT')) {
      const activity = record(body);
      if (method === 'PUT') {
        const existing = itemId === undefined ? undefined : posted.get(itemId);
        if (!existing || existing.conversationId !== conversationId) {
          log(404, { conversationId, ...(itemId === undefined ? {} : { activityId: itemId }) });
          return send(res, 404, { error: { code: 'ActivityNotFound', message: 'Activity not found.' } });
        }
        existing.history.push(existing.activity);
        existing.activity = activity;
        log(200, { conversationId, activityId: existing.id });
        return send(res, 200, { id: existing.id });
      }
      // POST …/activities (send) and POST …/activities/{id} (reply) both create a new message.
      const id = `1:${randomUUID()}`;
      posted.set(id, { id, conversationId, activity, history: [] });
      log(201, { conversationId, ...(itemId === undefined ? {} : { activityId: itemId }) });
      return send(res, 201, { id });
    }

    log(404, { conversationId });
    return send(res, 404, { error: { code: 'NotFound', message: `no route ${method} ${path}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: 'InternalError', message: error instanceof Error ? error.message : String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}/`;

  return {
    url,
    calls,
    members,
    addMember(member) {
      members.set(member.aadObjectId, member);
    },
    personalConversationId,
    removeConversation(conversationId, status) {
      gone.set(conversationId, status);
    },
    setConversationMembers(conversationId, aadObjectIds) {
      rosters.set(conversationId, new Set(aadObjectIds.map((id) => id.toLowerCase())));
    },
    setAppInstalled(aadObjectId, installed) {
      if (installed) notInstalled.delete(aadObjectId.toLowerCase());
      else notInstalled.add(aadObjectId.toLowerCase());
    },
    activities(conversationId) {
      return [...posted.values()].filter((p) => conversationId === undefined || p.conversationId === conversationId);
    },
    writes() {
      return calls.filter((c) => c.method === 'PUT' || (c.method === 'POST' && c.path.startsWith('/v3/conversations')));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
