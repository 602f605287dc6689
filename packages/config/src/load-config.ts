import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@keyward/core';
import { envSchema } from './config.schema';
import type { Env } from './config.schema';
import { OPERATIONS_SECRET_VARIABLES, toOperationsConfig } from './load-operations-config';
import type { OperationsConfig } from './load-operations-config';
import { REDIS_SECRET_VARIABLES, toRedisConfig } from './load-redis-config';
import type { RedisTopologyConfig } from './load-redis-config';

/** Variables that may be given as `NAME_FILE=/run/secrets/name` instead (Docker/Kubernetes secrets). */
export const SECRET_VARIABLES = ['AZURE_CLIENT_SECRET', 'MICROSOFT_APP_PASSWORD', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'OKTA_API_TOKEN', 'OKTA_PRIVATE_KEY', 'SECRET_ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL', 'OPENAI_API_KEY', ...OPERATIONS_SECRET_VARIABLES, ...REDIS_SECRET_VARIABLES] as const;

export type SlackConfig =
  | { mode: 'http'; botToken: string; signingSecret: string; apiUrl?: string; escalationChannel?: string }
  | { mode: 'socket'; botToken: string; signingSecret: string; appToken: string; apiUrl?: string; escalationChannel?: string };

/**
 * Microsoft Teams through an Azure Bot (single tenant). Without `appId` the bot runs in emulator mode
 * (no JWT check): only with TEAMS_EMULATOR_MODE=true on a loopback host, for tests.
 */
export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  tenantId: string;
  serviceUrl?: string;
  escalation?: { conversationId: string; serviceUrl?: string };
}

export type IdpConfig =
  | { kind: 'sandbox' }
  | { kind: 'okta'; orgUrl: string; auth: { mode: 'token'; token: string } | { mode: 'oauth'; clientId: string; privateKey: string; keyId?: string; scopes: string[] } }
  | { kind: 'entra'; tenantId: string; clientId: string; credential: { kind: 'secret'; clientSecret: string } | { kind: 'certificate'; pem: string }; authorityHost?: string; graphUrl?: string; stepUp: EntraStepUpConfig };

/** OIDC re-authentication step-up (Entra ID): the redirect URI is `${publicBaseUrl}/oidc/callback`. */
export interface EntraStepUpConfig {
  publicBaseUrl: string;
  authContextId?: string;
  ttlMinutes: number;
}

/** The language-model classifier; absent = the offline classifier alone. */
export interface OpenAiConfig {
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
}

export interface KeywardConfig {
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  slack?: SlackConfig;
  teams?: TeamsConfig;
  console: { enabled: boolean };
  idp: IdpConfig;
  openai?: OpenAiConfig;
  redisUrl?: string;
  /** Sentinel or Cluster topology and worker lock duration (issue #7). */
  redis: RedisTopologyConfig;
  queuePrefix: string;
  database: { url?: string; schema?: string; dataDir: string };
  policyFile?: string;
  secretKey?: Buffer;
  stepUpPollIntervalMs: number;
  workerConcurrency: number;
  /** True when nothing external is configured: console + sandbox directory. */
  embedded: boolean;
  /** Start-up warnings (logged by the app): allowed, but an operator should know. */
  warnings: string[];
  /** Audit retention, SIEM, credential rotation, anomaly watch, log redaction (issue #6). */
  operations: OperationsConfig;
}

/**
 * Reads the environment once; every problem is listed together and start-up stops. An empty or
 * whitespace-only value counts as unset (`IDP=` in an env file is the line `.env.example` ships).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): KeywardConfig {
  const problems: string[] = [];
  // Variables that were given but cannot be used: already reported, so "X is required" is not added.
  const unusable = new Set<string>();
  const given = withoutEmptyValues(env);
  const resolved: Record<string, string> = { ...given };
  for (const name of SECRET_VARIABLES) {
    const file = given[`${name}_FILE`];
    if (file === undefined) continue;
    if (given[name] !== undefined) problems.push(`${name} and ${name}_FILE are both set; set only one`);
    try {
      resolved[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      unusable.add(name);
      delete resolved[name];
    }
  }
  const e = parseVariables(resolved, problems, unusable);

  let slack: SlackConfig | undefined;
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is required when any SLACK_* variable is set');
    if (!e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required when any SLACK_* variable is set');
    if (e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET) {
      const common = { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, apiUrl: e.SLACK_API_URL, escalationChannel: e.SLACK_ESCALATION_CHANNEL };
      slack = e.SLACK_APP_TOKEN ? { mode: 'socket', appToken: e.SLACK_APP_TOKEN, ...common } : { mode: 'http', ...common };
    }
  }

  const teams = toTeamsConfig(e, problems);

  const idpKind = e.IDP ?? (e.OKTA_ORG_URL ? 'okta' : e.AZURE_TENANT_ID ? 'entra' : 'sandbox');
  let idp: IdpConfig = { kind: 'sandbox' };
  if (idpKind === 'okta') {
    if (!e.OKTA_ORG_URL) problems.push('OKTA_ORG_URL is required when IDP=okta');
    const oauth = e.OKTA_CLIENT_ID && e.OKTA_PRIVATE_KEY;
    if (!e.OKTA_API_TOKEN && !oauth) problems.push('Okta needs OKTA_API_TOKEN, or OKTA_CLIENT_ID + OKTA_PRIVATE_KEY (OAuth service app, preferred)');
    if (e.OKTA_ORG_URL && e.OKTA_API_TOKEN && !oauth) idp = { kind: 'okta', orgUrl: e.OKTA_ORG_URL, auth: { mode: 'token', token: e.OKTA_API_TOKEN } };
    if (e.OKTA_ORG_URL && oauth) {
      idp = { kind: 'okta', orgUrl: e.OKTA_ORG_URL, auth: { mode: 'oauth', clientId: e.OKTA_CLIENT_ID as string, privateKey: e.OKTA_PRIVATE_KEY as string, keyId: e.OKTA_KEY_ID, scopes: e.OKTA_SCOPES.split(/[\s,]+/).filter(Boolean) } };
    }
  }

  if (idpKind === 'entra') idp = toEntraConfig(e, problems) ?? idp;

  const operations = toOperationsConfig(e, problems);
  const redis = toRedisConfig(e, problems);
  const embedded = !slack && !teams && idp.kind === 'sandbox';
  const consoleEnabled = e.CONSOLE_ENABLED ? e.CONSOLE_ENABLED === 'true' : !slack && !teams;
  const host = e.HOST ?? (consoleEnabled ? '127.0.0.1' : '0.0.0.0');
  if (consoleEnabled && !isLoopback(host)) problems.push(`The console has no login and must stay local: HOST=${host} is not a loopback address. Set CONSOLE_ENABLED=false or HOST=127.0.0.1`);
  if (teams && !teams.appId && !isLoopback(host)) problems.push(`TEAMS_EMULATOR_MODE turns off the Bot Framework JWT check and needs a loopback HOST (got ${host}); set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD instead`);
  if (e.OPENAI_BASE_URL && !e.OPENAI_API_KEY) problems.push('OPENAI_BASE_URL is set without OPENAI_API_KEY; set a key (any non-empty value for a local server that ignores it)');
  const reported = problems.filter((problem) => ![...unusable].some((name) => problem.startsWith(`${name} is required`)));
  if (reported.length > 0) throw configError(reported);
  const openai: OpenAiConfig | undefined = e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL, timeoutMs: e.OPENAI_TIMEOUT_MS } : undefined;

  const warnings: string[] = [];
  if (teams && !teams.escalation) warnings.push('TEAMS_ESCALATION_CONVERSATION is not set: Teams escalations are only logged and audited, no helpdesk channel sees them.');
  if (slack && !slack.escalationChannel) warnings.push('SLACK_ESCALATION_CHANNEL is not set: escalations are only logged and audited, no helpdesk channel sees them.');
  if (!e.SECRET_ENCRYPTION_KEY && (e.DATABASE_URL || !embedded)) {
    warnings.push('SECRET_ENCRYPTION_KEY is not set: a key is generated under DATA_DIR. Several hosts sharing one database need the same key (openssl rand -base64 32).');
  }

  const dataDir = path.resolve(cwd, e.DATA_DIR);
  return {
    warnings,
    port: e.PORT,
    host,
    logLevel: e.LOG_LEVEL,
    dataDir,
    slack,
    ...(teams ? { teams } : {}),
    console: { enabled: consoleEnabled },
    idp,
    openai,
    redisUrl: e.REDIS_URL,
    redis,
    queuePrefix: e.QUEUE_PREFIX,
    database: { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA, dataDir: path.join(dataDir, 'pglite') },
    policyFile: e.POLICY_FILE ? path.resolve(cwd, e.POLICY_FILE) : undefined,
    secretKey: e.SECRET_ENCRYPTION_KEY ? Buffer.from(e.SECRET_ENCRYPTION_KEY, 'base64') : undefined,
    stepUpPollIntervalMs: e.STEPUP_POLL_INTERVAL_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    embedded,
    operations,
  };
}

/** The environment without empty and whitespace-only values: those mean unset, for every variable. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') set[name] = value;
  }
  return set;
}

/**
 * Parses every variable in one pass. A bad value is reported and left out (its default stands in),
 * so that the checks across variables still run: a typo in IDP or PORT must not hide a missing
 * SLACK_SIGNING_SECRET until the next start.
 */
function parseVariables(resolved: Record<string, string>, problems: string[], unusable: Set<string>): Env {
  const parsed = envSchema.safeParse(resolved);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push(`${issue.path.join('.')}: ${issue.message}`);
    unusable.add(String(issue.path[0]));
  }
  const usable = envSchema.safeParse(Object.fromEntries(Object.entries(resolved).filter(([name]) => !unusable.has(name))));
  // Without the bad values only defaults remain, and those parse; if one ever did not, stop here.
  if (!usable.success) throw configError(problems);
  return usable.data;
}

/** IDP=entra: tenant, app, one credential (secret or certificate), and the public URL the step-up redirects to. */
function toEntraConfig(e: Env, problems: string[]): IdpConfig | undefined {
  const missing = (['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'PUBLIC_BASE_URL'] as const).filter((name) => !e[name]);
  for (const name of missing) problems.push(`${name} is required when IDP=entra${name === 'PUBLIC_BASE_URL' ? ' (the OIDC step-up redirect URI is PUBLIC_BASE_URL/oidc/callback)' : ''}`);
  if (e.AZURE_CLIENT_SECRET && e.AZURE_CLIENT_CERTIFICATE_PATH) problems.push('Set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
  if (!e.AZURE_CLIENT_SECRET && !e.AZURE_CLIENT_CERTIFICATE_PATH) problems.push('Entra needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (PEM with key and certificate)');
  if (e.AZURE_CLIENT_CERTIFICATE_PATH && !e.AZURE_CLIENT_SECRET) {
    // The OIDC code exchange authenticates with the client secret; certificate-only is Graph-only for now.
    problems.push('AZURE_CLIENT_CERTIFICATE_PATH alone is not enough yet: the OIDC step-up code exchange needs AZURE_CLIENT_SECRET');
  }
  let pem: string | undefined;
  if (e.AZURE_CLIENT_CERTIFICATE_PATH) {
    try {
      pem = readFileSync(e.AZURE_CLIENT_CERTIFICATE_PATH, 'utf8');
    } catch (error) {
      problems.push(`AZURE_CLIENT_CERTIFICATE_PATH: cannot read ${e.AZURE_CLIENT_CERTIFICATE_PATH} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (e.PUBLIC_BASE_URL && !e.PUBLIC_BASE_URL.startsWith('https://') && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(e.PUBLIC_BASE_URL)) {
    problems.push('PUBLIC_BASE_URL must be https (plain http only for a loopback test setup): it receives OIDC authorization codes');
  }
  if (missing.length > 0 || !e.AZURE_TENANT_ID || !e.AZURE_CLIENT_ID || !e.PUBLIC_BASE_URL || (!e.AZURE_CLIENT_SECRET && !pem)) return undefined;
  return {
    kind: 'entra',
    tenantId: e.AZURE_TENANT_ID,
    clientId: e.AZURE_CLIENT_ID,
    credential: e.AZURE_CLIENT_SECRET ? { kind: 'secret', clientSecret: e.AZURE_CLIENT_SECRET } : { kind: 'certificate', pem: pem as string },
    ...(e.AZURE_AUTHORITY_HOST ? { authorityHost: e.AZURE_AUTHORITY_HOST } : {}),
    ...(e.GRAPH_API_URL ? { graphUrl: e.GRAPH_API_URL } : {}),
    stepUp: { publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''), ttlMinutes: e.ENTRA_STEPUP_TTL_MINUTES, ...(e.ENTRA_STEPUP_AUTH_CONTEXT ? { authContextId: e.ENTRA_STEPUP_AUTH_CONTEXT } : {}) },
  };
}

/** Teams is on when any MICROSOFT_APP_* / TEAMS_* variable is set; the tenant is always required (single tenant). */
function toTeamsConfig(e: Env, problems: string[]): TeamsConfig | undefined {
  const any = e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD || e.MICROSOFT_APP_TENANT_ID || e.TEAMS_ESCALATION_CONVERSATION || e.TEAMS_SERVICE_URL || e.TEAMS_EMULATOR_MODE === 'true';
  if (!any) return undefined;
  const emulator = e.TEAMS_EMULATOR_MODE === 'true';
  if (!e.MICROSOFT_APP_TENANT_ID) problems.push('MICROSOFT_APP_TENANT_ID is required for Teams (the bot serves one tenant)');
  if (emulator && (e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD)) problems.push('TEAMS_EMULATOR_MODE=true cannot be combined with MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD');
  if (!emulator && !e.MICROSOFT_APP_ID) problems.push('MICROSOFT_APP_ID is required for Teams (the Azure Bot\'s app id)');
  if (!emulator && !e.MICROSOFT_APP_PASSWORD) problems.push('MICROSOFT_APP_PASSWORD is required for Teams (a client secret of the bot\'s app registration)');
  let escalation: TeamsConfig['escalation'];
  if (e.TEAMS_ESCALATION_CONVERSATION) {
    escalation = parseTeamsConversation(e.TEAMS_ESCALATION_CONVERSATION);
    if (!escalation) problems.push('TEAMS_ESCALATION_CONVERSATION must be a channel conversation id (19:…) or a conversation reference JSON with conversation.id');
  }
  if (!e.MICROSOFT_APP_TENANT_ID) return undefined;
  return {
    tenantId: e.MICROSOFT_APP_TENANT_ID,
    ...(emulator ? {} : { appId: e.MICROSOFT_APP_ID, appPassword: e.MICROSOFT_APP_PASSWORD }),
    ...(e.TEAMS_SERVICE_URL ? { serviceUrl: e.TEAMS_SERVICE_URL } : {}),
    ...(escalation ? { escalation } : {}),
  };
}

/** A bare conversation id, or a stored ConversationReference (`{ conversation: { id }, serviceUrl }`). */
function parseTeamsConversation(value: string): { conversationId: string; serviceUrl?: string } | undefined {
  if (!value.startsWith('{')) return /^\S+$/.test(value) ? { conversationId: value } : undefined;
  try {
    const parsed = JSON.parse(value) as { conversation?: { id?: unknown }; serviceUrl?: unknown };
    const id = parsed.conversation?.id;
    if (typeof id !== 'string' || id.length === 0) return undefined;
    const serviceUrl = parsed.serviceUrl;
    return { conversationId: id, ...(typeof serviceUrl === 'string' && /^https?:\/\//.test(serviceUrl) ? { serviceUrl } : {}) };
  } catch {
    return undefined;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function configError(problems: string[]): AppError {
  return new AppError('config.invalid', `Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
