import { randomBytes, randomUUID } from 'node:crypto';
import { createBotConnectorFake, createEntraIdentityFake, createGraphFake, teamsCardActionActivity, teamsMessageActivity } from '@keyward/testkit';
import type { BotConnectorFake, EntraIdentityFake, GraphFake, GraphLoggedRequest, GraphSeedUser, PostedActivity, TeamsActivity, TeamsMember } from '@keyward/testkit';
import { waitUntil } from './product-harness';
import { dropRunState, freePort, newRun, runEnv, runKeywardCli, spawnKeyward, waitForHealth } from './product-process';

export { waitUntil } from './product-harness';

/*
 * Drives the real product from outside for the Microsoft pairing: `node apps/keyward/bin/keyward.js
 * start` as a child process, configured only through the configuration contract (IDP=entra, Teams in
 * emulator mode on loopback), with the Microsoft identity platform fake (token, JWKS, authorize), the
 * Graph fake and the Bot Connector fake standing in for Microsoft, and real Redis and PostgreSQL.
 * The test plays Teams (POST /api/messages with Teams-shaped activities) and the user's browser
 * (following the sign-in link to the authorize endpoint and back to PUBLIC_BASE_URL/oidc/callback).
 */

/** The helpdesk channel's conversation id (TEAMS_ESCALATION_CONVERSATION). */
export const HELPDESK_CONVERSATION = '19:helpdesk-keyward@thread.tacv2';
const CLIENT_ID = randomUUID();
const CLIENT_SECRET = `entra-secret-${randomBytes(16).toString('hex')}`;

/** One person who is both an Entra user (Graph fake) and a Teams member (connector fake), same object id. */
export interface TeamsPersonSpec {
  name: string;
  /** Overrides of the Graph user (userType Guest, a #EXT# UPN…). */
  graph?: Partial<GraphSeedUser>;
  /** Overrides of the Teams member (userRole guest, another tenant…). */
  teams?: Partial<TeamsMember>;
}

export interface TeamsPerson {
  /** Entra object id = Graph user id = Teams `from.aadObjectId`. */
  objectId: string;
  member: TeamsMember;
  /** The personal chat the fake (and so the product) uses for this person. */
  conversationId: string;
}

export interface InvokeResult {
  status: number;
  body: unknown;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

export interface TeamsEntraHarness {
  readonly identity: EntraIdentityFake;
  readonly graph: GraphFake;
  readonly connector: BotConnectorFake;
  readonly url: string;
  readonly tenantId: string;
  readonly env: Readonly<Record<string, string>>;
  /** Credentials the product holds; none may ever reach its output. */
  readonly secrets: readonly string[];
  person(name: string): TeamsPerson;
  output(): string;
  /** Teams delivers a message the person typed in their personal chat with the bot. */
  sendMessage(name: string, text: string): Promise<{ status: number; activity: TeamsActivity }>;
  /** Teams delivers an Action.Execute click (invoke `adaptiveCard/action`) and returns the invoke response. */
  invoke(name: string, input: { verb: string; value: string; replyToId: string }): Promise<InvokeResult>;
  /** Activities the bot posted in this person's personal chat, oldest first. */
  cardsFor(name: string): PostedActivity[];
  waitForCard(name: string, predicate: (posted: PostedActivity) => boolean, what: string, timeoutMs?: number): Promise<PostedActivity>;
  /** Cards in the helpdesk channel. */
  helpdeskCards(): PostedActivity[];
  /** State-changing Graph calls about this person (reads excluded). */
  graphWritesOn(name: string): GraphLoggedRequest[];
  runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<ExitInfo>;
  dispose(): Promise<void>;
}

/** The attachments of a posted activity as JSON (for "never contains" checks on the raw wire). */
export function cardJson(posted: PostedActivity): string {
  return JSON.stringify(posted.activity['attachments'] ?? []);
}

/**
 * Every TextBlock / FactSet text of the card as a person reads it: chat-teams escapes Markdown
 * punctuation with backslashes (`account\_unlock`), which Teams renders as the bare character.
 */
export function cardText(posted: PostedActivity): string {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'text' || key === 'title' || key === 'value') && typeof value === 'string') texts.push(value);
      else visit(value);
    }
  };
  visit(posted.activity['attachments']);
  return texts.join('\n').replace(/\\(.)/g, '$1');
}

/** The actions of the first Adaptive Card attachment. */
export function cardActions(posted: PostedActivity): Record<string, unknown>[] {
  const attachments = posted.activity['attachments'];
  if (!Array.isArray(attachments)) return [];
  const content = (attachments[0] as { content?: { actions?: unknown } } | undefined)?.content;
  return Array.isArray(content?.actions) ? (content.actions as Record<string, unknown>[]) : [];
}

export async function startTeamsEntraProduct(options: { people: TeamsPersonSpec[]; extraEnv?: Record<string, string>; logLevel?: string }): Promise<TeamsEntraHarness> {
  const identity = await createEntraIdentityFake({ tenantId: randomUUID(), clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const graph = await createGraphFake({ isAccessToken: identity.isAccessToken });
  const connector = await createBotConnectorFake();
  const tenantId = identity.tenantId;

  const people = new Map<string, TeamsPerson>();
  for (const spec of options.people) {
    const objectId = randomUUID();
    const upn = `${spec.name}@contoso.test`;
    graph.directory.addUser({ id: objectId, displayName: spec.name, userPrincipalName: upn, mail: upn, ...(spec.graph ?? {}) });
    const member: TeamsMember = { id: `29:${spec.name}-${objectId.slice(0, 8)}`, aadObjectId: objectId, name: spec.name, userPrincipalName: upn, email: upn, tenantId, ...(spec.teams ?? {}) };
    connector.addMember(member);
    people.set(spec.name, { objectId, member, conversationId: connector.personalConversationId(objectId) });
  }

  const run = newRun({ schema: 'kw_e2e_ms', queue: 'kwe2ems', dir: 'keyward-e2e-ms' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    // msal-node and the Graph client read nothing from HOME, but a developer's dotfiles must not matter.
    ...runEnv(run, { port }),
    IDP: 'entra',
    AZURE_TENANT_ID: tenantId,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    AZURE_AUTHORITY_HOST: identity.url,
    GRAPH_API_URL: graph.url,
    PUBLIC_BASE_URL: url,
    // Teams: the bot's single tenant is the directory's tenant; emulator mode skips the Bot Framework
    // JWT (no Azure Bot registration offline) and is refused by the config unless HOST is loopback.
    TEAMS_EMULATOR_MODE: 'true',
    MICROSOFT_APP_TENANT_ID: tenantId,
    TEAMS_SERVICE_URL: connector.url,
    TEAMS_ESCALATION_CONVERSATION: HELPDESK_CONVERSATION,
    STEPUP_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: options.logLevel ?? 'info',
    ...(options.extraEnv ?? {}),
  };

  const child = spawnKeyward({ env });
  const output = child.output;

  let disposed = false;
  const cleanUp = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await child.kill();
    await Promise.allSettled([identity.close(), graph.close(), connector.close()]);
    await dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] });
  };

  await waitForHealth(child, url, { onFailure: cleanUp });

  const person = (name: string): TeamsPerson => {
    const found = people.get(name);
    if (!found) throw new Error(`unknown person ${name}`);
    return found;
  };
  const context = (name: string) => {
    const p = person(name);
    return { serviceUrl: connector.url, from: p.member, tenantId: p.member.tenantId, conversationId: p.conversationId };
  };
  const deliver = async (activity: TeamsActivity): Promise<InvokeResult> => {
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // not JSON: the raw text is what the test sees
    }
    return { status: response.status, body };
  };
  const cardsFor = (name: string): PostedActivity[] => connector.activities(person(name).conversationId);

  return {
    identity,
    graph,
    connector,
    url,
    tenantId,
    env,
    secrets: [CLIENT_SECRET],
    person,
    output,
    async sendMessage(name, text) {
      const activity = teamsMessageActivity(context(name), text);
      const { status } = await deliver(activity);
      return { status, activity };
    },
    invoke: (name, { verb, value, replyToId }) => deliver(teamsCardActionActivity(context(name), { verb, data: { value }, replyToId })),
    cardsFor,
    waitForCard: (name, predicate, what, timeoutMs = 15_000) =>
      waitUntil(() => cardsFor(name).find(predicate), () => `${what} (cards so far: ${cardsFor(name).map((c) => cardJson(c).slice(0, 300)).join(' | ')})`, timeoutMs),
    helpdeskCards: () => connector.activities(HELPDESK_CONVERSATION),
    graphWritesOn(name) {
      const id = person(name).objectId;
      return graph.requests.filter((r) => r.method !== 'GET' && decodeURIComponent(r.url).includes(id));
    },
    runCli: (args) => runKeywardCli(args, env),
    stop: () => child.stop('SIGTERM'),
    dispose: cleanUp,
  };
}
