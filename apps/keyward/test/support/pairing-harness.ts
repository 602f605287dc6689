import { randomBytes, randomUUID } from 'node:crypto';
import { CHAT_ACTIONS } from '@keyward/core';
import {
  buildBlockActionsPayload,
  buildDirectMessageEvent,
  createBotConnectorFake,
  createEntraIdentityFake,
  createGraphFake,
  createOktaFake,
  createSlackFake,
  defaultSlackUsers,
  deliverSlackRequest,
  DEMO_USER_IDS,
  signSlackEvent,
  signSlackInteraction,
  teamsCardActionActivity,
  teamsMessageActivity,
} from '@keyward/testkit';
import type { BotConnectorFake, EntraIdentityFake, GraphFake, OktaFake, OktaSeed, PostedActivity, RecordedSlackCall, SeedUser, SlackFake, TeamsMember } from '@keyward/testkit';
import { approvalsDirectory } from './approval-scenario';
import { buttonsOf, callText, postedTs, pushNumberShown, waitUntil } from './product-harness';
import { dropRunState, freePort, newRun, runEnv, spawnKeyward, waitForHealth } from './product-process';
import { cardActions, cardText } from './teams-entra-harness';

export { waitUntil } from './product-harness';

/*
 * Issue #4 "each pairing": one `keyward start` child process per chat × IdP pairing, configured only
 * through the configuration contract, with the vendor fakes the two existing harnesses use (Slack
 * Web API or Bot Connector on the chat side; Okta, or Graph + the Microsoft identity platform on the
 * IdP side). The tests speak a neutral vocabulary — send, wait for a reply, complete the step-up,
 * reveal, approve — so one test body covers all four pairings; everything surface- or IdP-specific
 * (Slack threads vs. Teams personal chats, push numbers vs. sign-in links, views.open vs. invoke
 * responses, Okta paths vs. Graph paths) lives here, read from the wire like the other harnesses do.
 */

export type ChatKind = 'slack' | 'teams';
export type IdpKind = 'okta' | 'entra';
export interface Pairing {
  chat: ChatKind;
  idp: IdpKind;
}

export const SLACK_ESCALATION_CHANNEL = 'C0HELPDESK';
export const TEAMS_HELPDESK_CONVERSATION = '19:helpdesk-keyward@thread.tacv2';
/** The requestable group used by the approval flow: in the default policy's catalogue and in both directories. */
export const REQUESTABLE_GROUP = 'design-team';

/** One person on both sides of a pairing: same email in chat and IdP (Teams: same Entra object id under Entra). */
export interface PairingPersonSpec {
  /** Short key the tests use ('rita'); also the local part of the email. */
  key: string;
  /** Display name in chat and IdP ("Rita Tester"). */
  name: string;
  /** Okta only: the account starts LOCKED_OUT (the unlock flow needs a locked account). */
  lockedOut?: boolean;
  /** Okta: live sessions (DELETE …/sessions clears them). */
  sessions?: number;
}

export interface PairingPerson {
  key: string;
  name: string;
  email: string;
  /** Slack user id, or the Entra object id Teams puts in `from.aadObjectId`. */
  chatUserId: string;
  /** Where the bot talks to them: the Slack DM channel or the Teams personal chat. */
  conversationId: string;
  /** The IdP user id (Okta `00u…` / Graph object id). */
  idpId: string;
}

export interface Button {
  actionId: string;
  value: string;
  label: string;
  /** A link button (the OIDC sign-in): opens a browser, sends nothing to the bot. */
  url?: string;
}

/** A bot message as the person sees it, whatever the surface. */
export interface ChatMessage {
  /** Slack ts / Teams activity id. */
  id: string;
  conversationId: string;
  text: string;
  buttons: Button[];
  /** The number to tap, when the message is a push prompt. */
  pushNumber?: number;
}

/** Where the replies to one sent message appear: a Slack thread, or the Teams chat after this point. */
export interface SentRequest {
  key: string;
  status: number;
  /** Slack: the DM's ts (the thread); Teams: undefined. */
  threadTs?: string;
  /** Teams: activities in the chat before this message (replies are the ones after). */
  before: Set<string>;
}

export interface IdpWrite {
  method: string;
  /** Path without query (Okta `/api/v1/…`, Graph `/v1.0/…`), percent-decoded. */
  path: string;
  status: number;
  body?: unknown;
}

export interface PairingHarness {
  readonly pairing: Pairing;
  readonly url: string;
  readonly okta?: OktaFake;
  readonly graph?: GraphFake;
  readonly identity?: EntraIdentityFake;
  readonly slack?: SlackFake;
  readonly connector?: BotConnectorFake;
  /** The IdP id of the requestable group. */
  readonly groupId: string;
  /** Credentials the product holds; none may reach its output. */
  readonly secrets: readonly string[];
  person(key: string): PairingPerson;
  output(): string;
  send(key: string, text: string): Promise<SentRequest>;
  replies(sent: SentRequest): ChatMessage[];
  waitForReply(sent: SentRequest, predicate: (m: ChatMessage) => boolean, what: string, timeoutMs?: number): Promise<ChatMessage>;
  /**
   * The requester proves it is them: Okta — the pending push answered with the number the bot showed;
   * Entra — the sign-in link followed through the authorize fake with an MFA sign-in as this person.
   */
  completeStepUp(sent: SentRequest): Promise<void>;
  /**
   * Presses the reveal button as `key` and returns what the surface showed only to them: the Slack
   * modal (views.open for this click's trigger_id) or the Teams invoke response.
   */
  reveal(key: string, message: ChatMessage): Promise<string>;
  /** Presses a button (Approve…) on a message in `key`'s conversation. */
  click(key: string, message: ChatMessage, actionId: string): Promise<number>;
  /** Bot messages in `key`'s direct conversation that are not replies to anything they sent (approval cards). */
  directMessages(key: string): ChatMessage[];
  /** Helpdesk-channel posts, as text. */
  helpdeskTexts(): string[];
  /** Every chat-side payload except the one private reveal (checks that a secret went nowhere else). */
  publicChatTraffic(): string;
  /** State-changing IdP calls about this person (push challenges excluded: they change no account). */
  idpWritesOn(key: string): IdpWrite[];
  /** The secret the IdP issued for this person's reset (Entra: the temporary password; Okta: the reset link pattern). */
  issuedSecret(key: string, revealedView: string): string | undefined;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  dispose(): Promise<void>;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let tsCounter = 0;
/** Monotonic Slack-style ts values, so two DMs in one second never share a thread. */
function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String((process.pid % 1000) * 1000 + (tsCounter % 1000)).padStart(6, '0')}`;
}

/** Slack: the neutral view of a chat.postMessage (buttons with their URLs, the push number header). */
function fromSlack(call: RecordedSlackCall): ChatMessage {
  const urls = new Map<string, string>();
  const blocks = call.body['blocks'];
  if (Array.isArray(blocks)) {
    for (const block of blocks as { type?: string; elements?: { action_id?: string; url?: string }[] }[]) {
      if (block.type !== 'actions' || !Array.isArray(block.elements)) continue;
      for (const element of block.elements) if (typeof element.action_id === 'string' && typeof element.url === 'string') urls.set(element.action_id, element.url);
    }
  }
  const message: ChatMessage = {
    id: postedTs(call),
    conversationId: String(call.body['channel']),
    text: callText(call),
    buttons: buttonsOf(call).map((b) => ({ ...b, ...(urls.has(b.actionId) ? { url: urls.get(b.actionId) as string } : {}) })),
  };
  const shown = pushNumberShown(call);
  if (shown !== undefined) message.pushNumber = shown;
  return message;
}

/** Teams: the neutral view of a posted card (Action.Execute → buttons, Action.OpenUrl → link buttons). */
function fromTeams(posted: PostedActivity): ChatMessage {
  const buttons: Button[] = cardActions(posted).flatMap((action): Button[] => {
    const title = typeof action['title'] === 'string' ? action['title'] : '';
    if (action['type'] === 'Action.OpenUrl' && typeof action['url'] === 'string') return [{ actionId: '', value: '', label: title, url: action['url'] }];
    if (action['type'] !== 'Action.Execute' || typeof action['verb'] !== 'string') return [];
    const value = (action['data'] as { value?: unknown } | undefined)?.value;
    return [{ actionId: action['verb'], value: typeof value === 'string' ? value : '', label: title }];
  });
  const message: ChatMessage = { id: posted.id, conversationId: posted.conversationId, text: cardText(posted), buttons };
  // The push number is the card's ExtraLarge monospace TextBlock (adaptive-card-renderer `emphasis`).
  const blocks = (posted.activity['attachments'] as { content?: { body?: { type?: string; size?: string; text?: string }[] } }[] | undefined)?.[0]?.content?.body ?? [];
  const number = blocks.find((b) => b.type === 'TextBlock' && b.size === 'ExtraLarge' && /^\d{1,2}$/.test((b.text ?? '').trim()));
  if (number?.text !== undefined) message.pushNumber = Number(number.text.trim());
  return message;
}

const MANAGER_EMAIL = 'frank@example.com';

/**
 * The people of one pairing: `manager` is Frank (design-team's owner and everyone's manager in the
 * demo org, frank@example.com in every directory); the others report to him.
 */
export async function startPairing(
  pairing: Pairing,
  options: {
    people: PairingPersonSpec[];
    manager: PairingPersonSpec;
    logLevel?: string;
    /**
     * Teams: the keys of the people in the helpdesk channel's team (the only conversation where the
     * bot can look someone up by UPN). Default: not declared, and the connector fake finds every
     * member in every conversation, as if everybody were in the helpdesk team.
     */
    helpdeskTeam?: string[];
  },
): Promise<PairingHarness> {
  const everyone = [options.manager, ...options.people];
  const emailOf = (spec: PairingPersonSpec): string => (spec === options.manager ? MANAGER_EMAIL : `${spec.key}@example.com`);

  // --- IdP side ---
  let okta: OktaFake | undefined;
  let graph: GraphFake | undefined;
  let identity: EntraIdentityFake | undefined;
  const idpIds = new Map<string, string>();
  let groupId: string;
  const idpEnv: Record<string, string> = {};
  const secrets: string[] = [];
  let tenantId: string = randomUUID();
  if (pairing.idp === 'okta') {
    const token = `00okta-${randomBytes(16).toString('hex')}`;
    // The demo org minus Alice's design-team membership; Frank is already in it (login = email).
    const seed: OktaSeed = approvalsDirectory();
    const users: SeedUser[] = options.people.map((spec) => {
      const [first = spec.name, last = 'Tester'] = spec.name.split(' ');
      return {
        login: emailOf(spec),
        email: emailOf(spec),
        firstName: first,
        lastName: last,
        status: spec.lockedOut ? 'LOCKED_OUT' : 'ACTIVE',
        sessions: spec.sessions ?? 1,
        factors: [{ factorType: 'push', label: `${first}'s phone` }],
        profile: { managerId: DEMO_USER_IDS.frank, employeeType: 'Employee', title: 'Designer' },
      };
    });
    okta = await createOktaFake({ apiToken: token, seed: { ...seed, users: [...(seed.users ?? []), ...users] } });
    for (const spec of everyone) {
      const id = okta.user(emailOf(spec))?.id;
      if (id === undefined) throw new Error(`${spec.key} is not in the Okta fake`);
      idpIds.set(spec.key, id);
    }
    const group = (seed.groups ?? []).find((g) => g.name === REQUESTABLE_GROUP);
    if (group?.id === undefined) throw new Error(`${REQUESTABLE_GROUP} is not in the demo directory`);
    groupId = group.id;
    Object.assign(idpEnv, { IDP: 'okta', OKTA_ORG_URL: okta.url, OKTA_API_TOKEN: token });
    secrets.push(token);
  } else {
    const clientId = randomUUID();
    const clientSecret = `entra-secret-${randomBytes(16).toString('hex')}`;
    identity = await createEntraIdentityFake({ tenantId, clients: [{ clientId, clientSecret }] });
    graph = await createGraphFake({ isAccessToken: identity.isAccessToken });
    tenantId = identity.tenantId;
    // The manager has no mailbox (`mail` null, as for every user without an Exchange licence): he is
    // known by his email-shaped UPN alone, which is also how the adapter finds requesters.
    const managerId = graph.directory.addUser({ displayName: options.manager.name, userPrincipalName: MANAGER_EMAIL, employeeType: 'Employee', jobTitle: 'Design Lead' });
    idpIds.set(options.manager.key, managerId);
    for (const spec of options.people) {
      idpIds.set(spec.key, graph.directory.addUser({ displayName: spec.name, userPrincipalName: emailOf(spec), mail: emailOf(spec), managerId, employeeType: 'Employee', jobTitle: 'Designer' }));
    }
    // Frank is in design-team already, as in the demo org; nobody else is.
    groupId = graph.directory.addGroup({ displayName: REQUESTABLE_GROUP, members: [managerId] });
    graph.directory.addGroup({ displayName: 'engineering' });
    Object.assign(idpEnv, {
      IDP: 'entra',
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: clientSecret,
      AZURE_AUTHORITY_HOST: identity.url,
      GRAPH_API_URL: graph.url,
    });
    secrets.push(clientSecret);
  }

  // --- chat side ---
  let slack: SlackFake | undefined;
  let connector: BotConnectorFake | undefined;
  const chatEnv: Record<string, string> = {};
  const people = new Map<string, PairingPerson>();
  const signingSecret = `test-signing-${randomBytes(12).toString('hex')}`;
  if (pairing.chat === 'slack') {
    const botToken = `xoxb-test-${randomBytes(12).toString('hex')}`;
    const slackUsers = everyone.map((spec) => {
      const slackId = `U0${spec.key.toUpperCase().padEnd(8, '0').slice(0, 8)}`;
      const email = emailOf(spec);
      people.set(spec.key, { key: spec.key, name: spec.name, email, chatUserId: slackId, conversationId: `D${slackId.slice(1)}`, idpId: idpIds.get(spec.key) as string });
      return { id: slackId, team_id: 'T0HOME001', name: spec.key, real_name: spec.name, deleted: false, is_bot: false, is_app_user: false, profile: { display_name: spec.name, real_name: spec.name, team: 'T0HOME001', email } };
    });
    const own = new Set(slackUsers.map((u) => u.profile.email));
    slack = await createSlackFake({ botToken, users: [...defaultSlackUsers().filter((u) => !own.has(u.profile.email ?? '')), ...slackUsers] });
    Object.assign(chatEnv, { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl, SLACK_ESCALATION_CHANNEL: SLACK_ESCALATION_CHANNEL });
    secrets.push(botToken, signingSecret);
  } else {
    connector = await createBotConnectorFake();
    for (const spec of everyone) {
      // Under Entra the Teams user IS the directory user (same object id); under Okta, Teams has its
      // own Entra tenant whose users share their email / UPN with Okta, as in a real mixed estate.
      const objectId = pairing.idp === 'entra' ? (idpIds.get(spec.key) as string) : randomUUID();
      const email = emailOf(spec);
      const member: TeamsMember = { id: `29:${spec.key}-${objectId.slice(0, 8)}`, aadObjectId: objectId, name: spec.name, userPrincipalName: email, email, tenantId };
      connector.addMember(member);
      people.set(spec.key, { key: spec.key, name: spec.name, email, chatUserId: objectId, conversationId: connector.personalConversationId(objectId), idpId: idpIds.get(spec.key) as string });
    }
    if (options.helpdeskTeam) {
      const team = options.helpdeskTeam.map((key) => {
        const member = people.get(key);
        if (!member) throw new Error(`helpdeskTeam: unknown person ${key}`);
        return member.chatUserId;
      });
      connector.setConversationMembers(TEAMS_HELPDESK_CONVERSATION, team);
    }
    Object.assign(chatEnv, { TEAMS_EMULATOR_MODE: 'true', MICROSOFT_APP_TENANT_ID: tenantId, TEAMS_SERVICE_URL: connector.url, TEAMS_ESCALATION_CONVERSATION: TEAMS_HELPDESK_CONVERSATION });
  }

  // --- the product ---
  const run = newRun({ schema: 'kw_e2e_pair', queue: 'kwe2epair', dir: 'keyward-e2e-pair' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...runEnv(run, { port }),
    ...idpEnv,
    ...chatEnv,
    ...(pairing.idp === 'entra' ? { PUBLIC_BASE_URL: url } : {}),
    STEPUP_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: options.logLevel ?? 'warn',
  };

  const child = spawnKeyward({ env });
  const output = child.output;

  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await child.kill();
    await Promise.allSettled([okta?.close(), graph?.close(), identity?.close(), slack?.close(), connector?.close()]);
    await dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] });
  };

  await waitForHealth(child, url, { name: `keyward (${pairing.chat}+${pairing.idp})`, onFailure: dispose });

  const person = (key: string): PairingPerson => {
    const found = people.get(key);
    if (!found) throw new Error(`unknown person ${key}`);
    return found;
  };

  // --- surface-specific plumbing ---
  const slackPosts = (): RecordedSlackCall[] => (slack ? slack.callsTo('chat.postMessage').filter((c) => c.response['ok'] === true) : []);
  const teamsCards = (conversationId: string): PostedActivity[] => (connector ? connector.activities(conversationId) : []);
  const teamsContext = (key: string) => {
    const p = person(key);
    const member = connector?.members.get(p.chatUserId) as TeamsMember;
    return { serviceUrl: connector?.url as string, from: member, tenantId: member.tenantId, conversationId: p.conversationId };
  };
  const postTeams = async (activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> => {
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
  const clickSlack = async (key: string, message: ChatMessage, actionId: string): Promise<{ status: number; triggerId: string }> => {
    const fake = slack as SlackFake;
    const button = message.buttons.find((b) => b.actionId === actionId);
    if (!button) throw new Error(`no ${actionId} button on ${message.text}`);
    const triggerId = fake.issueTriggerId();
    const thread = slackPosts().find((c) => postedTs(c) === message.id)?.body['thread_ts'];
    const payload = buildBlockActionsPayload({
      triggerId,
      actionId,
      value: button.value,
      user: person(key).chatUserId,
      messageTs: message.id,
      channel: message.conversationId,
      ...(typeof thread === 'string' ? { threadTs: thread } : {}),
    });
    const result = await deliverSlackRequest(`${url}/slack/events`, signSlackInteraction(payload, { signingSecret }));
    return { status: result.status, triggerId };
  };

  const replies = (sent: SentRequest): ChatMessage[] => {
    const p = person(sent.key);
    if (pairing.chat === 'slack') return slackPosts().filter((c) => c.body['channel'] === p.conversationId && c.body['thread_ts'] === sent.threadTs).map(fromSlack);
    return teamsCards(p.conversationId).filter((c) => !sent.before.has(c.id)).map(fromTeams);
  };

  const waitForReply = (sent: SentRequest, predicate: (m: ChatMessage) => boolean, what: string, timeoutMs = 15_000): Promise<ChatMessage> =>
    waitUntil(
      () => replies(sent).find(predicate),
      () => `${what} (${pairing.chat}+${pairing.idp}; replies so far: ${replies(sent).map((m) => JSON.stringify(m.text.slice(0, 200))).join(' | ')})`,
      timeoutMs,
    );

  /** Private views that showed a secret (excluded from "everything else the chat saw"). */
  const revealed = new Set<string>();

  return {
    pairing,
    url,
    ...(okta ? { okta } : {}),
    ...(graph ? { graph } : {}),
    ...(identity ? { identity } : {}),
    ...(slack ? { slack } : {}),
    ...(connector ? { connector } : {}),
    groupId,
    secrets,
    person,
    output,

    async send(key, text) {
      const p = person(key);
      if (pairing.chat === 'slack') {
        const ts = nextTs();
        const envelope = buildDirectMessageEvent({ user: p.chatUserId, text, ts });
        const result = await deliverSlackRequest(`${url}/slack/events`, signSlackEvent(envelope, { signingSecret }));
        return { key, status: result.status, threadTs: ts, before: new Set() };
      }
      const before = new Set(teamsCards(p.conversationId).map((c) => c.id));
      const { status } = await postTeams(teamsMessageActivity(teamsContext(key), text));
      return { key, status, before };
    },

    replies,
    waitForReply,

    async completeStepUp(sent) {
      const p = person(sent.key);
      if (pairing.idp === 'okta') {
        const fake = okta as OktaFake;
        const prompt = await waitForReply(sent, (m) => m.pushNumber !== undefined, 'the push prompt with the number to tap');
        const pending = await waitUntil(() => fake.pendingPushes(p.email)[0], `a push for ${p.email}`);
        if (pending.correctAnswer !== prompt.pushNumber) throw new Error(`the bot showed ${prompt.pushNumber}, Okta Verify expects ${pending.correctAnswer}`);
        const result = fake.approvePush(pending.transactionId, prompt.pushNumber);
        if (result !== 'SUCCESS') throw new Error(`push answer refused: ${result}`);
        return;
      }
      const prompt = await waitForReply(sent, (m) => m.buttons.some((b) => b.url !== undefined && b.label === 'Sign in to confirm'), 'the sign-in link');
      const link = prompt.buttons.find((b) => b.url !== undefined)?.url as string;
      const fake = identity as EntraIdentityFake;
      fake.nextSignIn = { oid: p.idpId, amr: ['pwd', 'mfa'], preferredUsername: p.email };
      // The browser: authorize (the fake signs the person in), then the redirect to our callback.
      const authorize = await fetch(link, { redirect: 'manual' });
      if (authorize.status !== 302) throw new Error(`authorize answered ${authorize.status}`);
      const callback = await fetch(authorize.headers.get('location') as string, { redirect: 'manual' });
      const page = await callback.text();
      if (callback.status !== 200) throw new Error(`the OIDC callback answered ${callback.status}: ${page.slice(0, 300)}`);
    },

    async reveal(key, message) {
      const button = message.buttons.find((b) => b.actionId === CHAT_ACTIONS.revealSecret);
      if (!button) throw new Error(`no reveal button on ${message.text}`);
      if (pairing.chat === 'slack') {
        const { triggerId } = await clickSlack(key, message, CHAT_ACTIONS.revealSecret);
        const opened = await waitUntil(() => (slack as SlackFake).callsTo('views.open').find((c) => c.body['trigger_id'] === triggerId), 'views.open for the reveal click');
        if (opened.response['ok'] !== true) throw new Error(`views.open failed: ${JSON.stringify(opened.response)}`);
        const view = JSON.stringify(opened.body['view']);
        revealed.add(view);
        return view;
      }
      const { status, body } = await postTeams(teamsCardActionActivity(teamsContext(key), { verb: CHAT_ACTIONS.revealSecret, data: { value: button.value }, replyToId: message.id }));
      if (status !== 200) throw new Error(`reveal invoke answered ${status}`);
      const view = JSON.stringify(body);
      revealed.add(view);
      return view;
    },

    async click(key, message, actionId) {
      if (pairing.chat === 'slack') return (await clickSlack(key, message, actionId)).status;
      const button = message.buttons.find((b) => b.actionId === actionId);
      if (!button) throw new Error(`no ${actionId} button on ${message.text}`);
      const { status } = await postTeams(teamsCardActionActivity(teamsContext(key), { verb: actionId, data: { value: button.value }, replyToId: message.id }));
      return status;
    },

    directMessages(key) {
      const p = person(key);
      if (pairing.chat === 'slack') return slackPosts().filter((c) => c.body['channel'] === p.conversationId && c.body['thread_ts'] === undefined).map(fromSlack);
      return teamsCards(p.conversationId).map(fromTeams);
    },

    helpdeskTexts() {
      if (pairing.chat === 'slack') return slackPosts().filter((c) => c.body['channel'] === SLACK_ESCALATION_CHANNEL).map(callText);
      return teamsCards(TEAMS_HELPDESK_CONVERSATION).map(cardText);
    },

    publicChatTraffic() {
      if (pairing.chat === 'slack') {
        // Everything the product sent to Slack except the views.open that showed the secret.
        return (slack as SlackFake).calls
          .filter((c) => !(c.method === 'views.open' && revealed.has(JSON.stringify(c.body['view']))))
          .map((c) => JSON.stringify(c.body))
          .join('\n');
      }
      // Everything the product sent to the connector (posts and updates); invoke responses never pass it.
      return (connector as BotConnectorFake).calls.map((c) => JSON.stringify(c.body ?? '')).join('\n');
    },

    idpWritesOn(key) {
      const p = person(key);
      if (pairing.idp === 'okta') {
        const needles = [p.idpId, p.email].map((n) => n.toLowerCase());
        return (okta as OktaFake)
          .writes()
          .filter((w) => w.operation !== 'verifyFactor')
          .filter((w) => needles.some((n) => safeDecode(w.path).toLowerCase().includes(n)))
          .map((w) => ({ method: w.method, path: safeDecode(w.path.split('?')[0] ?? ''), status: w.status }));
      }
      // Graph names the member of a members/$ref write in the body, not the path.
      return (graph as GraphFake).requests
        .filter((r) => r.method !== 'GET' && (safeDecode(r.url).includes(p.idpId) || JSON.stringify(r.body ?? '').includes(p.idpId)))
        .map((r) => ({ method: r.method, path: safeDecode(r.url.split('?')[0] ?? ''), status: r.status, body: r.body }));
    },

    issuedSecret(key, revealedView) {
      if (pairing.idp === 'entra') return (graph as GraphFake).directory.users.get(person(key).idpId)?.passwordProfile?.password;
      // Okta issues a one-time reset link on the org's own domain; the fake does not expose it, so it is read from the reveal.
      return new RegExp(`${escapeRegExp((okta as OktaFake).url)}/signin/reset-password/[A-Za-z0-9_-]+`).exec(revealedView)?.[0];
    },

    async stop() {
      const { code, signal } = await child.stop('SIGTERM');
      return { code, signal };
    },

    dispose,
  };
}
