import { randomBytes } from 'node:crypto';
import {
  buildBlockActionsPayload,
  buildDirectMessageEvent,
  buildViewSubmissionPayload,
  createOktaFake,
  createSlackFake,
  defaultSlackUsers,
  deliverSlackRequest,
  signSlackEvent,
  signSlackInteraction,
} from '@keyward/testkit';
import type {
  LoggedRequest,
  OktaFake,
  OktaSeed,
  PendingPush,
  RecordedSlackCall,
  SeedUser,
  SlackDeliveryResult,
  SlackEventEnvelope,
  SlackFake,
  SlackFakeUser,
  SlackSigningOptions,
  SubmittedViewSource,
} from '@keyward/testkit';
import { dropRunState, freePort, newRun, runEnv, runKeywardCli, spawnKeyward, waitForHealth } from './product-process';
import { callText } from './slack-call-readers';

export { buttonsOf, callText, postedTs, pushNumberShown } from './slack-call-readers';

/*
 * Drives the real product from outside, the way an operator runs it: `node apps/keyward/bin/keyward.js
 * start` as a child process, configured only through the configuration contract (issue #2), with the
 * Okta and Slack Web API fakes standing in for the vendors and real Redis and PostgreSQL behind it.
 * Everything the tests learn, they learn from the wire: Slack calls the product made, Okta requests it
 * sent, its stdout/stderr and its exit code.
 */

export { TEST_DATABASE_URL, TEST_REDIS_URL } from './product-process';

export const ESCALATION_CHANNEL = 'C0HELPDESK';
const SIGNING_SECRET = `test-signing-${randomBytes(12).toString('hex')}`;
const BOT_TOKEN = `xoxb-test-${randomBytes(12).toString('hex')}`;
const OKTA_TOKEN = `00okta-${randomBytes(16).toString('hex')}`;

/** Action ids the product renders on its buttons (chat-slack maps the neutral ids 1:1). */
export const REVEAL_ACTION_ID = 'keyward.reveal_secret';

/** One employee who exists both in Slack and (usually) in Okta, with the same email. */
export interface EmployeeSpec {
  /** Slack user id: `U` + upper-case letters/digits (the fake derives the DM channel `D…` from it). */
  slackId: string;
  name: string;
  /** The Slack profile email; `null` models a profile without one (F02). */
  email?: string | null;
  /** The sender's home team; another team models a Slack Connect user (F19). */
  teamId?: string;
  /** Omit `okta` to leave the person out of the directory; fields override the defaults. */
  okta?: Partial<SeedUser> | false;
  /**
   * The person is already in `HarnessOptions.oktaSeed` under this login (the demo directory's Frank,
   * Grace, Hank…): only the Slack side is built, and the harness still knows their Okta id.
   */
  oktaLogin?: string;
}

export interface Employee {
  slackId: string;
  /** The DM channel the fake and the product use for this user. */
  channel: string;
  email: string | undefined;
  /** Okta login (undefined when not in the directory). */
  login: string | undefined;
  oktaId: string | undefined;
}

/** Builds the Slack user and the Okta user of one person: same email, a push factor, one session. */
export function employee(spec: EmployeeSpec): { slack: SlackFakeUser; okta?: SeedUser; person: Omit<Employee, 'oktaId'> } {
  if (spec.oktaLogin !== undefined && spec.okta !== undefined && spec.okta !== false) throw new Error(`${spec.slackId}: give either okta or oktaLogin, not both`);
  const email = spec.email === null ? undefined : (spec.email ?? `${spec.name}@example.com`);
  const teamId = spec.teamId ?? 'T0HOME001';
  const profile: SlackFakeUser['profile'] = { display_name: spec.name, real_name: spec.name, team: teamId };
  if (email !== undefined) profile.email = email;
  const slack: SlackFakeUser = { id: spec.slackId, team_id: teamId, name: spec.name, real_name: spec.name, deleted: false, is_bot: false, is_app_user: false, profile };
  let okta: SeedUser | undefined;
  if (spec.okta !== false && spec.oktaLogin === undefined) {
    const first = spec.name.charAt(0).toUpperCase() + spec.name.slice(1);
    okta = {
      login: email ?? `${spec.name}@example.com`,
      email: email ?? `${spec.name}@example.com`,
      firstName: first,
      lastName: 'Tester',
      factors: [{ factorType: 'push', label: `${first}'s phone` }],
      ...(spec.okta ?? {}),
    };
  }
  return { slack, ...(okta === undefined ? {} : { okta }), person: { slackId: spec.slackId, channel: `D${spec.slackId.slice(1)}`, email, login: okta?.login ?? spec.oktaLogin } };
}

export interface HarnessOptions {
  employees: EmployeeSpec[];
  /** Extra Okta users with no Slack account (decoys, duplicates). */
  extraOktaUsers?: SeedUser[];
  /**
   * A directory seeded before the employees (groups, users, apps — e.g. the demo directory). Its users
   * reach Slack only through employees that name them with `oktaLogin`.
   */
  oktaSeed?: OktaSeed;
  /** More configuration-contract variables (POLICY_FILE…); they override the harness's own. */
  extraEnv?: Record<string, string>;
  /** STEPUP_POLL_INTERVAL_MS; the tests use 200. */
  pollIntervalMs?: number;
  logLevel?: string;
}

export interface SentMessage {
  envelope: SlackEventEnvelope;
  eventId: string;
  /** The DM's ts: the thread every reply must land in. */
  ts: string;
  channel: string;
  user: string;
  status: number;
  /** Wall-clock ms just before the POST (latency measurements). */
  sentAt: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From SIGTERM to exit. */
  ms: number;
}

export interface ProductHarness {
  readonly okta: OktaFake;
  readonly slack: SlackFake;
  readonly url: string;
  readonly eventsUrl: string;
  readonly signingSecret: string;
  /** The exact environment the product was started with (audit verify reuses it). */
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  person(slackId: string): Employee;
  /** Everything the product wrote to stdout and stderr so far. */
  output(): string;
  sendDm(user: string, text: string, options?: { threadTs?: string; userTeam?: string; signing?: Partial<SlackSigningOptions> }): Promise<SentMessage>;
  /** POSTs an envelope signed with the product's secret (plus overrides: retries, bad signatures, old timestamps). */
  deliverEvent(envelope: object, signing?: Partial<SlackSigningOptions>): Promise<SlackDeliveryResult>;
  /**
   * Clicks a button on a bot message with a fresh trigger_id, as Slack does for every click. The
   * message lives in `channel` (default: the clicker's own DM with the bot).
   */
  click(options: { user: string; actionId: string; value: string; messageTs: string; threadTs?: string; channel?: string }): Promise<{ status: number; triggerId: string }>;
  /** Presses Submit on a modal the product opened, as `user`, with what they typed. */
  submitView(options: { user: string; view: SubmittedViewSource; values: Record<string, Record<string, string | null>> }): Promise<SlackDeliveryResult>;
  /** Bot posts in this DM's thread, oldest first. */
  threadReplies(sent: SentMessage): RecordedSlackCall[];
  waitForReply(sent: SentMessage, predicate: (call: RecordedSlackCall) => boolean, what: string, timeoutMs?: number): Promise<RecordedSlackCall>;
  /** Helpdesk-channel posts that concern this Slack user. */
  escalationsFor(slackId: string): RecordedSlackCall[];
  waitForEscalation(slackId: string, predicate: (call: RecordedSlackCall) => boolean, what: string, timeoutMs?: number): Promise<RecordedSlackCall>;
  /** The push waiting on this user's phone (polls the fake). */
  waitForPush(loginOrId: string, timeoutMs?: number): Promise<PendingPush>;
  /** Okta requests about this user (path or search mentions the id, login or email). */
  oktaRequestsAbout(slackId: string): LoggedRequest[];
  /** State-changing Okta calls on this user, push challenges excluded (they change nothing on the account). */
  idpWritesOn(slackId: string): LoggedRequest[];
  /** Runs another CLI command against the same database (e.g. `audit verify`). */
  runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGTERM; resolves when the process has exited. */
  stop(): Promise<ExitInfo>;
  /** Stops the product if needed, closes fakes, drops the schema and the Redis keys, removes temp files. */
  dispose(): Promise<void>;
}

/** `what` may be a function, so the timeout message can show what was seen instead (at failure time). */
export async function waitUntil<T>(probe: () => T | undefined | false, what: string | (() => string), timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Monotonic Slack-style ts values, so two DMs sent in the same second never share a thread. */
let tsCounter = 0;
function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String((process.pid % 1000) * 1000 + (tsCounter % 1000)).padStart(6, '0')}`;
}

export async function startProduct(options: HarnessOptions): Promise<ProductHarness> {
  const built = options.employees.map((spec) => ({ spec, ...employee(spec) }));
  const base = options.oktaSeed ?? {};
  const seed: OktaSeed = {
    groups: base.groups ?? [],
    users: [...(base.users ?? []), ...built.flatMap((b) => (b.okta === undefined ? [] : [b.okta])), ...(options.extraOktaUsers ?? [])],
    apps: base.apps ?? [],
  };
  const okta = await createOktaFake({ apiToken: OKTA_TOKEN, seed });
  // An employee may reuse a seeded Slack id (the workspace's Alice): theirs replaces the default, so
  // users.lookupByEmail never sees two people with one email.
  const ownIds = new Set(built.map((b) => b.slack.id));
  const slack = await createSlackFake({ botToken: BOT_TOKEN, users: [...defaultSlackUsers().filter((u) => !ownIds.has(u.id)), ...built.map((b) => b.slack)] });

  const run = newRun({ schema: 'kw_e2e', queue: 'kwe2e', dir: 'keyward-e2e' });
  const port = await freePort();
  const env: Record<string, string> = {
    ...runEnv(run, { port }),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
    IDP: 'okta',
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: OKTA_TOKEN,
    STEPUP_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 200),
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...(options.extraEnv ?? {}),
  };
  const url = `http://127.0.0.1:${port}`;
  const eventsUrl = `${url}/slack/events`;

  const child = spawnKeyward({ env });
  const output = child.output;

  let disposed = false;
  const cleanUp = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await child.kill();
    await Promise.allSettled([okta.close(), slack.close()]);
    await dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] });
  };

  await waitForHealth(child, url, { onFailure: cleanUp });

  const people = new Map<string, Employee>();
  for (const b of built) {
    const login = b.okta?.login ?? b.spec.oktaLogin;
    const oktaId = login === undefined ? undefined : okta.user(login)?.id;
    if (b.spec.oktaLogin !== undefined && oktaId === undefined) {
      await cleanUp();
      throw new Error(`${b.spec.slackId}: oktaLogin ${b.spec.oktaLogin} is not in the seeded directory`);
    }
    people.set(b.spec.slackId, { ...b.person, oktaId });
  }
  const person = (slackId: string): Employee => {
    const found = people.get(slackId);
    if (!found) throw new Error(`unknown employee ${slackId}`);
    return found;
  };

  const deliverEvent = (envelope: object, signing: Partial<SlackSigningOptions> = {}): Promise<SlackDeliveryResult> =>
    deliverSlackRequest(eventsUrl, signSlackEvent(envelope, { signingSecret: SIGNING_SECRET, ...signing }));

  const inThread = (sent: SentMessage) => (call: RecordedSlackCall): boolean =>
    call.body['channel'] === sent.channel && call.body['thread_ts'] === sent.ts;

  const threadReplies = (sent: SentMessage): RecordedSlackCall[] =>
    slack.callsTo('chat.postMessage').filter((c) => c.response['ok'] === true && inThread(sent)(c));

  const escalationsFor = (slackId: string): RecordedSlackCall[] =>
    slack
      .callsTo('chat.postMessage')
      .filter((c) => c.response['ok'] === true && c.body['channel'] === ESCALATION_CHANNEL && callText(c).includes(`slack:${slackId}`));

  const aboutUser = (slackId: string) => {
    const p = person(slackId);
    const needles = [p.oktaId, p.login, p.email].filter((n): n is string => n !== undefined).map((n) => n.toLowerCase());
    return (r: LoggedRequest): boolean => {
      const decoded = safeDecode(r.path).toLowerCase();
      return needles.some((n) => decoded.includes(n));
    };
  };

  return {
    okta,
    slack,
    url,
    eventsUrl,
    signingSecret: SIGNING_SECRET,
    env,
    secrets: [SIGNING_SECRET, BOT_TOKEN, OKTA_TOKEN],
    person,
    output,
    deliverEvent,

    async sendDm(user, text, opts = {}) {
      const ts = nextTs();
      const envelope = buildDirectMessageEvent({
        user,
        text,
        ts,
        ...(opts.threadTs === undefined ? {} : { threadTs: opts.threadTs }),
        ...(opts.userTeam === undefined ? {} : { userTeam: opts.userTeam }),
      });
      const sentAt = Date.now();
      const result = await deliverEvent(envelope, opts.signing);
      return { envelope, eventId: envelope.event_id, ts, channel: `D${user.slice(1)}`, user, status: result.status, sentAt };
    },

    async click({ user, actionId, value, messageTs, threadTs, channel }) {
      const triggerId = slack.issueTriggerId();
      const payload = buildBlockActionsPayload({
        triggerId,
        actionId,
        value,
        user,
        messageTs,
        ...(threadTs === undefined ? {} : { threadTs }),
        ...(channel === undefined ? {} : { channel }),
      });
      const result = await deliverSlackRequest(eventsUrl, signSlackInteraction(payload, { signingSecret: SIGNING_SECRET }));
      return { status: result.status, triggerId };
    },

    submitView: ({ user, view, values }) =>
      deliverSlackRequest(eventsUrl, signSlackInteraction(buildViewSubmissionPayload({ user, view, values }), { signingSecret: SIGNING_SECRET })),

    threadReplies,
    waitForReply: (sent, predicate, what, timeoutMs = 10_000) =>
      waitUntil(() => threadReplies(sent).find(predicate), `${what} (thread replies so far: ${threadReplies(sent).map((c) => JSON.stringify(c.body['text'])).join(' | ')})`, timeoutMs),
    escalationsFor,
    waitForEscalation: (slackId, predicate, what, timeoutMs = 10_000) => waitUntil(() => escalationsFor(slackId).find(predicate), what, timeoutMs),

    waitForPush: (loginOrId, timeoutMs = 10_000) => waitUntil(() => okta.pendingPushes(loginOrId)[0], `a push for ${loginOrId}`, timeoutMs),

    oktaRequestsAbout: (slackId) => okta.requests().filter(aboutUser(slackId)),
    idpWritesOn: (slackId) => okta.writes().filter((r) => r.operation !== 'verifyFactor').filter(aboutUser(slackId)),

    runCli: (args) => runKeywardCli(args, env),

    stop: () => child.stop('SIGTERM'),

    dispose: cleanUp,
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
