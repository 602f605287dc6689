import { randomBytes } from 'node:crypto';
import { openDatabase } from '@keyward/store';
import { buildBlockActionsPayload, buildDirectMessageEvent, createOktaFake, createSlackFake, defaultSlackUsers, deliverSlackRequest, signSlackEvent, signSlackInteraction } from '@keyward/testkit';
import type { LoggedRequest, OktaFake, OktaSeed, RecordedSlackCall, SlackDeliveryResult, SlackFake, SlackSigningOptions } from '@keyward/testkit';
import { ESCALATION_CHANNEL, employee, pushNumberShown, waitUntil } from '../../support/product-harness';
import type { EmployeeSpec } from '../../support/product-harness';
import { dropRunState, freePort, healthStatus, newRun, runEnv, spawnKeyward, TEST_DATABASE_URL, TEST_REDIS_URL, waitForReady } from '../../support/product-process';

/*
 * Several Keyward processes (`keyward start --role gateway|worker`) on one Redis and one PostgreSQL
 * schema, against the Okta and Slack fakes: the scale-out and crash tests of issue #7. Like the
 * product harness, everything is learnt from the wire; unlike it, processes can be added, SIGKILLed
 * and restarted one by one, and Redis can be a private, persistent instance the test restarts.
 */

export type ProcessRole = 'gateway' | 'worker' | 'all';

export interface KeywardProcess {
  readonly role: ProcessRole;
  readonly name: string;
  /** Gateways only. */
  readonly url?: string;
  readonly pid: number;
  output(): string;
  exited(): boolean;
  /** SIGTERM (graceful) or SIGKILL (crash); resolves at exit with the code and the time it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export interface ClusterOptions {
  employees: EmployeeSpec[];
  /** A directory to start from (the demo org with its approvers), employees added on top. */
  oktaSeed?: OktaSeed;
  /** Default: the shared test Redis on 6379 (with a private queue prefix). */
  redisUrl?: string;
  pollIntervalMs?: number;
  /** WORKER_LOCK_DURATION_MS: how soon a killed worker's jobs are taken over. */
  lockDurationMs?: number;
  /** The Okta fake's per-operation rate limit (default Okta-like 600/min); benches raise it. */
  oktaRateLimit?: { limit: number; windowSeconds: number };
  /** Extra environment for every process. */
  env?: Record<string, string>;
}

export interface Cluster {
  readonly okta: OktaFake;
  readonly slack: SlackFake;
  readonly processes: readonly KeywardProcess[];
  start(role: ProcessRole, name?: string): Promise<KeywardProcess>;
  gateways(): KeywardProcess[];
  /** A signed DM event (same envelope may be re-delivered to other gateways, as Slack retries do). */
  dmEnvelope(user: string, text: string): { envelope: ReturnType<typeof buildDirectMessageEvent>; ts: string; channel: string };
  deliver(gateway: KeywardProcess, envelope: object, signing?: Partial<SlackSigningOptions>): Promise<SlackDeliveryResult>;
  click(gateway: KeywardProcess, options: { user: string; actionId: string; value: string; messageTs: string; threadTs?: string }): Promise<number>;
  threadReplies(channel: string, ts: string): RecordedSlackCall[];
  /** Okta writes on this person's account the fake APPLIED (2xx); pushes excluded. */
  appliedWrites(slackId: string): LoggedRequest[];
  /** Every Okta write on this person's account that reached the fake, answered or not. */
  writesReceived(slackId: string): LoggedRequest[];
  oktaId(slackId: string): string;
  login(slackId: string): string;
  /** Every persisted request: id, state, who asked (read through the store's own schema). */
  requests(): Promise<{ id: string; state: string; requester: string }[]>;
  /** Audit event types of one request, oldest first. */
  auditTypes(requestId: string): Promise<string[]>;
  dispose(): Promise<void>;
}

let tsCounter = 0;
function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String((process.pid % 100) * 10_000 + (tsCounter % 10_000)).padStart(6, '0')}`;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const built = options.employees.map((spec) => ({ spec, ...employee(spec) }));
  const oktaToken = `00okta-${randomBytes(16).toString('hex')}`;
  const botToken = `xoxb-rel-${randomBytes(12).toString('hex')}`;
  const signingSecret = `rel-signing-${randomBytes(12).toString('hex')}`;
  const base = options.oktaSeed ?? {};
  const okta = await createOktaFake({
    apiToken: oktaToken,
    ...(options.oktaRateLimit === undefined ? {} : { rateLimit: options.oktaRateLimit }),
    seed: { groups: base.groups ?? [], apps: base.apps ?? [], users: [...(base.users ?? []), ...built.flatMap((b) => (b.okta === undefined ? [] : [b.okta]))] },
  });
  const ownIds = new Set(built.map((b) => b.slack.id));
  const slack = await createSlackFake({ botToken, users: [...defaultSlackUsers().filter((u) => !ownIds.has(u.id)), ...built.map((b) => b.slack)] });
  const run = newRun({ schema: 'kw_rel', queue: 'kwrel', dir: 'keyward-rel' });
  const { schema } = run;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const baseEnv: Record<string, string> = {
    ...runEnv(run, { redisUrl }),
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
    IDP: 'okta',
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: oktaToken,
    // Every process shares the vault key, as a real multi-host deployment must.
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    STEPUP_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 200),
    WORKER_LOCK_DURATION_MS: String(options.lockDurationMs ?? 60_000),
    LOG_LEVEL: 'warn',
    ...(options.env ?? {}),
  };
  const processes: KeywardProcess[] = [];
  let counter = 0;

  const start = async (role: ProcessRole, name = `${role}-${(counter += 1)}`): Promise<KeywardProcess> => {
    const port = role === 'worker' ? 0 : await freePort();
    const env = { ...baseEnv, PORT: String(port) };
    const child = spawnKeyward({ env, role });
    const url = role === 'worker' ? undefined : `http://127.0.0.1:${port}`;
    // Ready: a gateway answers /healthz; a worker prints its banner once every BullMQ worker runs.
    await waitForReady(child, async () => (url === undefined ? child.output().includes('Keyward is running') : (await healthStatus(url)) === 200), 'start', {
      name,
      onFailure: () => child.kill(),
    });
    const proc: KeywardProcess = {
      role,
      name,
      url,
      pid: child.pid,
      output: child.output,
      exited: () => child.exit() !== undefined,
      stop: (signal = 'SIGTERM') => child.stop(signal),
    };
    processes.push(proc);
    return proc;
  };

  const byId = new Map(built.map((b) => [b.spec.slackId, b]));
  const loginOf = (slackId: string): string => {
    const spec = byId.get(slackId);
    const login = spec?.spec.oktaLogin ?? spec?.okta?.login;
    if (!login) throw new Error(`${slackId} is not in the directory`);
    return login;
  };
  const oktaId = (slackId: string): string => {
    const id = okta.user(loginOf(slackId))?.id;
    if (!id) throw new Error(`no Okta id for ${slackId}`);
    return id;
  };
  const isWriteOn = (slackId: string) => {
    const id = oktaId(slackId);
    return (r: LoggedRequest): boolean => r.operation !== 'verifyFactor' && r.path.includes(id);
  };

  return {
    okta,
    slack,
    processes,
    start,
    gateways: () => processes.filter((p) => p.url !== undefined && !p.exited()),
    dmEnvelope(user, text) {
      const ts = nextTs();
      return { envelope: buildDirectMessageEvent({ user, text, ts }), ts, channel: `D${user.slice(1)}` };
    },
    deliver: (gateway, envelope, signing = {}) => deliverSlackRequest(`${gateway.url as string}/slack/events`, signSlackEvent(envelope, { signingSecret, ...signing })),
    async click(gateway, { user, actionId, value, messageTs, threadTs }) {
      const payload = buildBlockActionsPayload({ triggerId: slack.issueTriggerId(), actionId, value, user, messageTs, ...(threadTs === undefined ? {} : { threadTs }) });
      return (await deliverSlackRequest(`${gateway.url as string}/slack/events`, signSlackInteraction(payload, { signingSecret }))).status;
    },
    threadReplies: (channel, ts) => slack.callsTo('chat.postMessage').filter((c) => c.response['ok'] === true && c.body['channel'] === channel && c.body['thread_ts'] === ts),
    appliedWrites: (slackId) => okta.writes().filter(isWriteOn(slackId)).filter((r) => r.status >= 200 && r.status < 300),
    writesReceived: (slackId) => okta.writes().filter(isWriteOn(slackId)),
    oktaId,
    login: loginOf,
    async requests() {
      const database = await openDatabase({ url: TEST_DATABASE_URL, schema, poolSize: 1, migrate: false });
      try {
        const rows = await database.db.selectFrom('requests').select(['id', 'state', 'requester_chat_user_id']).execute();
        return rows.map((r) => ({ id: r.id, state: r.state, requester: r.requester_chat_user_id }));
      } finally {
        await database.close();
      }
    },
    async auditTypes(requestId) {
      const database = await openDatabase({ url: TEST_DATABASE_URL, schema, poolSize: 1, migrate: false });
      try {
        const rows = await database.db.selectFrom('audit_events').select(['type']).where('request_id', '=', requestId).orderBy('seq').execute();
        return rows.map((r) => r.type);
      } finally {
        await database.close();
      }
    },
    async dispose() {
      await Promise.allSettled(processes.map((p) => p.stop('SIGKILL')));
      await Promise.allSettled([okta.close(), slack.close()]);
      await dropRunState({ schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir], redisUrl, redisMayBeGone: true });
    },
  };
}

export { waitUntil };

/** The number the product showed in the thread; approving with it is what a person does. */
export async function approveShownPush(cluster: Cluster, slackId: string, channel: string, ts: string, timeoutMs = 20_000): Promise<void> {
  const login = cluster.login(slackId);
  const shown = await waitUntil(() => cluster.threadReplies(channel, ts).map(pushNumberShown).find((n) => n !== undefined), `the push prompt for ${slackId}`, timeoutMs);
  const push = await waitUntil(() => cluster.okta.pendingPushes(login)[0], `a pending push for ${slackId}`, timeoutMs);
  cluster.okta.approvePush(push.transactionId, shown);
}
