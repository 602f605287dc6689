import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsoleHttpHandler, createConsoleSurface } from '@keyward/chat-console';
import type { ConsoleHttpHandler } from '@keyward/chat-console';
import { createSlackApp, createSlackSurface } from '@keyward/chat-slack';
import type { SlackApp } from '@keyward/chat-slack';
import { createTeamsBot, createTeamsSurface } from '@keyward/chat-teams';
import type { TeamsBot } from '@keyward/chat-teams';
import type { KeywardConfig } from '@keyward/config';
import type { ChatSurface, CoreDeps, InboundHandlers, Logger, SurfaceName } from '@keyward/core';
import { onInboundAction, onInboundMessage, onRevealSecret, systemClock } from '@keyward/core';
import { createOktaIdentityProvider, createOktaPushVerifier } from '@keyward/idp-okta';
import type { OktaAdapterOptions } from '@keyward/idp-okta';
import { createEntraIdentityProvider, createOidcCallbackHandler, createOidcStepUpVerifier } from '@keyward/idp-entra';
import type { KeyValueStore } from '@keyward/idp-entra';
import { createClassifier } from '@keyward/intent';
import { checkRedis, createBullActionQueue, createJobWorkers, createRedisRateLimiter } from '@keyward/jobs';
import type { JobWorkers } from '@keyward/jobs';
import { loadPolicy } from '@keyward/policy';
import { checkVaultKey, createSqlAuditLog, createSqlRequestStore, createSqlSecretVault, createSqlSiemOutbox } from '@keyward/store';
import { openAppDatabase } from './open-app-database';
import type { OktaFake } from '@keyward/testkit';
import { createGatewayServer } from '../gateway/http-server';
import type { HttpHandler } from '../gateway/http-server';
import { createMetrics, instrumentAuditLog, instrumentIdentityProvider } from './metrics';
import { startOperations } from './start-operations';
import { createGaveUpHandler, createProcessors } from '../worker/processors';
import { createQueueConnection, createRedisClient, ensureRedis } from './ensure-redis';
import type { RedisClient } from './ensure-redis';
import { sandboxConsoleDirectory, sandboxPhone, startSandboxDirectory } from './sandbox';
import { resolveSecretKey } from './secret-key';
import { AGENT } from './agent';
import { listenGateway } from './listen-gateway';

export type Role = 'all' | 'gateway' | 'worker';

/** On shutdown, how long HTTP requests already in progress may take to finish. */
const HTTP_DRAIN_MS = 5_000;

export interface RunningKeyward {
  deps: CoreDeps;
  /** Gateway roles only: where it listens. */
  url?: string;
  sandbox?: OktaFake;
  redisUrl: string;
  stop(): Promise<void>;
}

/**
 * The composition root: config → adapters → use cases → surfaces and workers. The only place that
 * knows which concrete adapter serves each port. Closes what it opened, in reverse, on stop.
 */
export async function startKeyward(config: KeywardConfig, options: { role: Role; logger: Logger }): Promise<RunningKeyward> {
  const { logger, role } = options;
  const closers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping');
      }
    }
  };
  try {
    for (const warning of config.warnings) logger.warn({}, warning);
    const policy = loadPolicy(config.policyFile);

    const redisHandle = await ensureRedis({ url: config.redisUrl, sentinel: config.redis.sentinel, cluster: config.redis.cluster, embedded: config.embedded, sharedDatabase: config.database.url !== undefined, dataDir: config.dataDir, logger });
    closers.push(() => redisHandle.stop());
    // BullMQ 6 takes the URL (or the Sentinel options) itself, a Cluster as a client (closed after the
    // queues and workers that use it: closers run in reverse).
    const queueConnection = createQueueConnection(redisHandle, (error) => logger.warn({ err: error.message }, 'redis connection error (queues)'));
    closers.push(() => queueConnection.close());
    const connection = queueConnection.connection;
    const redis = createRedisClient(redisHandle, { maxRetriesPerRequest: 3 });
    redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
    closers.push(async () => redis.disconnect());
    for (const finding of await checkRedis(redis)) {
      if (finding.level === 'critical') logger.error({ finding: finding.message }, 'REDIS MISCONFIGURED: queued jobs may be lost');
      // The embedded default is a demo: the doctor rates these as information there, and so does the log.
      else if (finding.level === 'warning' && config.embedded) logger.info({ finding: finding.message }, 'redis');
      else if (finding.level === 'warning') logger.warn({ finding: finding.message }, 'redis');
    }

    const database = await openAppDatabase(config);
    closers.push(() => database.close());
    const store = createSqlRequestStore(database.db);
    const queue = createBullActionQueue({ connection, prefix: config.queuePrefix });
    closers.push(() => queue.close());
    // The SIEM outbox is written in the append's transaction whenever a destination is configured (#6).
    const siemOutbox = createSqlSiemOutbox(database.db);
    const metrics = createMetrics({
      queueDepth: () => queue.depth(),
      siemBacklog: () => siemOutbox.backlog(),
      siemFailing: async () => Object.fromEntries((await siemOutbox.states()).map((s) => [s.destination, s.attempts > 0])),
    });
    const audit = instrumentAuditLog(createSqlAuditLog(database.db, { siemOutbox: config.operations.siemDestinations.length > 0 }), metrics);
    const secretKey = resolveSecretKey(config.secretKey, config.dataDir);
    // Every process on one database must seal and open secrets with one key: a second key is refused
    // here, not discovered when an employee clicks "Show my reset link". PGlite keeps the database and
    // a generated key in one DATA_DIR for one process, so a new key there is a deliberate reset.
    if ((await checkVaultKey(database.db, secretKey, { adopt: config.database.url === undefined })) === 'adopted') {
      logger.warn({}, 'the vault key changed: one-time secrets sealed under the old key were deleted');
    }
    const vault = createSqlSecretVault(database.db, { key: secretKey });

    let sandbox: OktaFake | undefined;
    let okta: OktaAdapterOptions | undefined;
    let identity: Pick<CoreDeps, 'idp' | 'stepUp'> | undefined;
    let oidcCallback: HttpHandler | undefined;
    if (config.idp.kind === 'entra') {
      // Entra ID: Graph for the directory, OIDC re-authentication for step-up (transactions in Redis,
      // so any gateway takes the callback and a restart loses nothing).
      const entra = config.idp;
      const stepUp = createOidcStepUpVerifier({
        issuer: `${(entra.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${entra.tenantId}/v2.0`,
        clientId: entra.clientId,
        clientSecret: entra.credential.kind === 'secret' ? entra.credential.clientSecret : '',
        redirectUri: `${entra.stepUp.publicBaseUrl}/oidc/callback`,
        tenantId: entra.tenantId,
        ...(entra.stepUp.authContextId ? { authContextId: entra.stepUp.authContextId } : {}),
        ttlMs: entra.stepUp.ttlMinutes * 60_000,
        store: redisKeyValueStore(redis, `${config.queuePrefix}:`),
        logger,
      });
      oidcCallback = createOidcCallbackHandler(stepUp);
      identity = {
        idp: createEntraIdentityProvider({ tenantId: entra.tenantId, clientId: entra.clientId, credential: entra.credential, authorityHost: entra.authorityHost, graphUrl: entra.graphUrl, logger }),
        stepUp,
      };
    } else if (config.idp.kind === 'sandbox') {
      sandbox = await startSandboxDirectory();
      const fake = sandbox;
      closers.push(() => fake.close());
      okta = { orgUrl: sandbox.url, auth: { kind: 'api_token', token: sandbox.apiToken }, logger, userAgent: AGENT.userAgent };
    } else {
      const auth = config.idp.auth;
      okta = {
        orgUrl: config.idp.orgUrl,
        auth: auth.mode === 'token' ? { kind: 'api_token', token: auth.token } : { kind: 'service_app', clientId: auth.clientId, privateKey: auth.privateKey, keyId: auth.keyId, scopes: auth.scopes },
        logger,
        userAgent: AGENT.userAgent,
      };
    }
    if (okta) identity = { idp: createOktaIdentityProvider(okta), stepUp: createOktaPushVerifier(okta) };
    if (!identity) throw new Error('no identity provider configured');

    const chats: Partial<Record<SurfaceName, ChatSurface>> = {};
    if (config.slack) {
      const surface = createSlackSurface({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, escalationChannelId: config.slack.escalationChannel ?? '', logger });
      chats.slack = config.slack.escalationChannel ? surface : withLoggedEscalations(surface, logger);
    }
    if (config.teams) {
      // Teams (issue #4): proactive posts through the Bot Connector with references from ConversationRef.extra.
      chats.teams = createTeamsSurface({ ...config.teams, logger });
    }
    const consoleSurface = config.console.enabled ? createConsoleSurface({ directory: sandboxConsoleDirectory(), logger }) : undefined;
    if (consoleSurface) chats.console = consoleSurface;

    const deps: CoreDeps = {
      store,
      audit,
      queue,
      idp: instrumentIdentityProvider(identity.idp, metrics),
      stepUp: identity.stepUp,
      policy,
      // Offline alone, or OpenAI with the offline classifier as its fallback (OPENAI_API_KEY); the
      // model sees the message and the requestable names only.
      classifier: createClassifier({
        openai: config.openai,
        logger,
        clock: systemClock,
        catalogue: { groups: policy.document.catalogue.groups.map((g) => g.name), apps: policy.document.catalogue.apps.map((a) => a.name) },
      }),
      chats,
      vault,
      rateLimiter: createRedisRateLimiter(redis, config.queuePrefix),
      clock: systemClock,
      logger,
      agent: { name: AGENT.name, version: AGENT.version },
      stepUpPoll: { intervalMs: config.stepUpPollIntervalMs },
    };

    if (role === 'all' || role === 'worker') {
      const workers: JobWorkers = createJobWorkers({
        connection,
        prefix: config.queuePrefix,
        handlers: createProcessors(deps),
        onGaveUp: createGaveUpHandler(deps),
        concurrency: config.workerConcurrency,
        lockDurationMs: config.redis.workerLockDurationMs,
        logger,
      });
      closers.push(() => workers.close());
      // Security alerts go to SLACK_SECURITY_CHANNEL (else the escalation channel), else the console.
      const securitySurface = config.slack && (config.operations.securityChannel ?? config.slack.escalationChannel)
        ? createSlackSurface({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, escalationChannelId: (config.operations.securityChannel ?? config.slack.escalationChannel) as string, logger })
        : consoleSurface;
      const operations = await startOperations({ config, connection, database, audit, securitySurface, clock: systemClock, logger, metrics, agent: deps.agent, queue });
      closers.push(() => operations.close());
      const purge = setInterval(() => {
        vault.purgeExpired(systemClock.now()).catch((error: unknown) => logger.warn({ err: String(error) }, 'secret purge failed'));
      }, 60_000);
      purge.unref();
      closers.push(async () => clearInterval(purge));
    }

    let url: string | undefined;
    if (role === 'all' || role === 'gateway') {
      const handlers: InboundHandlers = {
        onMessage: (message) => onInboundMessage(deps, message),
        onAction: (action) => onInboundAction(deps, action),
        onRevealSecret: (action) => onRevealSecret(deps, action),
      };
      let slackApp: SlackApp | undefined;
      if (config.slack) {
        slackApp = createSlackApp({
          botToken: config.slack.botToken,
          signingSecret: config.slack.signingSecret,
          appToken: config.slack.mode === 'socket' ? config.slack.appToken : undefined,
          apiUrl: config.slack.apiUrl,
          handlers,
          logger,
        });
      }
      let teamsBot: TeamsBot | undefined;
      if (config.teams) {
        // POST /api/messages (the Azure Bot's messaging endpoint), JWT-checked by CloudAdapter.
        const bot = createTeamsBot({ ...config.teams, handlers, logger });
        teamsBot = bot;
        closers.push(() => bot.close());
      }
      let consoleHandler: ConsoleHttpHandler | undefined;
      if (consoleSurface && !sandbox) {
        logger.warn({}, 'The console runs only with the sandbox directory (no OKTA_* variables). With a real IdP, configure Slack to talk to the bot.');
      }
      if (consoleSurface && sandbox) {
        consoleHandler = createConsoleHttpHandler({ surface: consoleSurface, handlers, phone: sandboxPhone(sandbox), audit, logger, now: () => systemClock.now() });
        const handler = consoleHandler;
        closers.push(async () => handler.close());
      }
      const server: Server = createGatewayServer({
        handlers: [...(oidcCallback ? [oidcCallback] : []), ...(teamsBot ? [teamsBot.handle] : []), ...(consoleHandler ? [consoleHandler] : [])],
        slackListener: slackApp?.requestListener,
        logger,
        metrics: { contentType: metrics.registry.contentType, metrics: () => metrics.registry.metrics() },
        health: [
          // On a Cluster PING reaches one master; the queue check below reads the queues' own slot.
          { name: 'redis', check: async () => void (await redis.ping()) },
          { name: 'database', check: async () => void (await store.get('rq_healthcheck')) },
          { name: 'queue', check: async () => void (await queue.depth()) },
        ],
      });
      await listenGateway(server, { port: config.port, host: config.host });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            // Stop accepting, drop idle keep-alive sockets, and let requests already being handled
            // (a Slack event being persisted and enqueued) finish: cutting them would turn a received
            // message into a Slack retry at best. Whatever is still open after the grace period is cut
            // (queue and database close right after this).
            server.close(() => resolve());
            server.closeIdleConnections();
            const cut = setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS);
            cut.unref();
          }),
      );
      const address = server.address() as AddressInfo;
      url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
      if (slackApp) {
        const app = slackApp;
        await app.start();
        closers.push(() => app.stop());
      }
    }
    return { deps, url, sandbox, redisUrl: redisHandle.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The OIDC step-up's transaction store on Redis: SET … PX for expiry, GETDEL for single use. One key
 * per command, under the queue prefix (so on a Cluster in the same slot as the queues).
 */
function redisKeyValueStore(redis: Pick<RedisClient, 'get' | 'set' | 'getdel'>, prefix: string): KeyValueStore {
  return {
    get: async (key) => (await redis.get(prefix + key)) ?? undefined,
    set: async (key, value, ttlMs) => void (await redis.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)))),
    take: async (key) => (await redis.getdel(prefix + key)) ?? undefined,
  };
}

/** Without a helpdesk channel, escalations still reach the log (and the audit trail via the use cases). */
function withLoggedEscalations(surface: ChatSurface, logger: Logger): ChatSurface {
  return {
    surface: surface.surface,
    lookupUser: (id, team) => surface.lookupUser(id, team),
    post: (conversation, message) => surface.post(conversation, message),
    update: (conversation, messageId, message) => surface.update(conversation, messageId, message),
    findUserByEmail: (email) => surface.findUserByEmail(email),
    openDirectConversation: (id) => surface.openDirectConversation(id),
    escalate: async (escalation) => {
      logger.warn({ requestId: escalation.requestId, reason: escalation.reason, severity: escalation.severity }, 'escalation (no SLACK_ESCALATION_CHANNEL configured)');
      return undefined;
    },
    updateEscalation: async () => undefined,
  };
}
