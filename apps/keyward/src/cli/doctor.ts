import { Redis } from 'ioredis';
import { loadConfig } from '@keyward/config';
import type { KeywardConfig } from '@keyward/config';
import { isAppError, silentLogger } from '@keyward/core';
import { checkRedis } from '@keyward/jobs';
import { createSqlSiemOutbox, readAuditCheckpoint } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { createRedisClient, ensureRedis, redactUrl } from '../runtime/ensure-redis';
import { checkCredentialAge } from './doctor/credential-age';
import { doctorExitCode, renderFindings } from './doctor/doctor-finding';
import type { DoctorFinding } from './doctor/doctor-finding';
import { evaluateEntraDirectoryRoles } from './doctor/entra-directory-roles';
import { evaluateEntraPermissions } from './doctor/entra-permissions';
import { probeEntraCredential } from './doctor/entra-probe';
import { evaluateOktaManagerAttributes } from './doctor/okta-manager-attribute';
import { evaluateOktaPrivileges } from './doctor/okta-privileges';
import { probeOktaCredential } from './doctor/okta-probe';
import { evaluatePolicyFile, readDoctorPolicy } from './doctor/policy-file';
import type { DoctorPolicy } from './doctor/policy-file';
import { probeSlack, SLACK_REQUIRED_SCOPES } from './doctor/slack-probe';

export interface DoctorIo {
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream;
  now?: () => Date;
}

type Check = (config: KeywardConfig, now: Date, policy: DoctorPolicy) => Promise<DoctorFinding[]>;

/**
 * `keyward doctor`: one table of findings, exit 1 on any critical one. Each area is a check function
 * in CHECKS; a failing check becomes a finding, never a crash, so one unreachable service does not
 * hide the rest. The policy is loaded once, as start-up loads it (doctor/policy-file.ts): the enabled
 * (self-service) actions decide what the IdP credential must be allowed. Entra ID: the Graph token's
 * `roles` claim against the minimal application permissions of the enabled actions
 * (doctor/entra-permissions.ts, the list README shows), and the directory roles of the app's service
 * principal (doctor/entra-directory-roles.ts). Okta: the credential's scopes and admin roles against
 * the same for Okta (doctor/okta-permissions.ts, README's table), and whether users can edit the
 * manager attributes that name their approver (doctor/okta-manager-attribute.ts).
 */
export async function runDoctor(_args: string[], io: DoctorIo = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const now = (io.now ?? (() => new Date()))();
  let config: KeywardConfig;
  try {
    config = loadConfig(io.env ?? process.env);
  } catch (error) {
    const findings: DoctorFinding[] = [{ area: 'Configuration', check: 'environment', level: 'critical', detail: isAppError(error) ? error.message.replace(/\n\s*/g, ' ') : String(error) }];
    out.write(renderFindings(findings));
    return doctorExitCode(findings);
  }
  const findings: DoctorFinding[] = [];
  const policy = readDoctorPolicy(config);
  for (const check of CHECKS) {
    try {
      findings.push(...(await check(config, now, policy)));
    } catch (error) {
      findings.push({ area: 'Doctor', check: check.name, level: 'critical', detail: `check crashed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  out.write(renderFindings(findings));
  return doctorExitCode(findings);
}

const CHECKS: Check[] = [checkConfiguration, checkPolicy, checkDatabase, checkRedisServer, checkSlack, checkOkta, checkCredentials, checkEntra, checkTeams];

async function checkConfiguration(config: KeywardConfig): Promise<DoctorFinding[]> {
  const area = 'Configuration';
  const findings: DoctorFinding[] = [
    { area, check: 'environment', level: 'ok', detail: config.embedded ? 'embedded default (console + sandbox directory)' : `chat: ${[config.slack ? `Slack (${config.slack.mode})` : undefined, config.teams ? 'Teams' : undefined].filter(Boolean).join(' + ') || 'console'}; IdP: ${config.idp.kind}` },
  ];
  for (const warning of config.warnings) findings.push({ area, check: 'warning', level: 'warning', detail: warning });
  const siem = config.operations.siemDestinations;
  findings.push(siem.length > 0 ? { area, check: 'SIEM destinations', level: 'ok', detail: siem.join(', ') } : { area, check: 'SIEM destinations', level: config.embedded ? 'info' : 'warning', detail: 'none configured (SIEM_*): the audit log stays local only' });
  if (config.slack && !config.operations.securityChannel && !config.slack.escalationChannel) findings.push({ area, check: 'security alerts', level: 'warning', detail: 'no SLACK_SECURITY_CHANNEL or SLACK_ESCALATION_CHANNEL: security alerts only reach the log' });
  return findings;
}

async function checkPolicy(config: KeywardConfig, _now: Date, policy: DoctorPolicy): Promise<DoctorFinding[]> {
  return evaluatePolicyFile(config, policy);
}

/** The IdP credential is judged against the enabled actions; without a loadable policy there are none to judge by. */
const POLICY_NOT_LOADED = 'not compared with the enabled actions: the policy file did not load (see Policy)';

async function checkDatabase(config: KeywardConfig): Promise<DoctorFinding[]> {
  const area = 'Database';
  let database;
  try {
    database = await openAppDatabase(config);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // The embedded PGlite folder is locked while `npm start` runs: that is not a fault.
    return [{ area, check: 'connect + migrations', level: /in use by another Keyward process/.test(detail) ? 'info' : 'critical', detail }];
  }
  try {
    const findings: DoctorFinding[] = [{ area, check: 'connect + migrations', level: 'ok', detail: `${database.engine}${config.database.url ? ` ${redactUrl(config.database.url)}` : ` in ${config.database.dataDir}`}, schema ${database.schema}, migrations applied` }];
    const checkpoint = await readAuditCheckpoint(database.db);
    if (checkpoint.seq > 0) findings.push({ area, check: 'audit retention', level: 'info', detail: `${checkpoint.removed} events removed; chain verifies from seq ${checkpoint.seq}` });
    if (!config.database.url && !config.embedded) findings.push({ area, check: 'engine', level: 'warning', detail: 'PGlite outside the embedded default: one process only; use DATABASE_URL=postgres://… in production' });
    const outbox = createSqlSiemOutbox(database.db);
    const backlog = await outbox.backlog();
    for (const state of await outbox.states()) {
      if (!config.operations.siemDestinations.includes(state.destination)) continue;
      findings.push(state.attempts > 0
        ? { area: 'SIEM', check: `${state.destination} delivery`, level: 'critical', detail: `failing since ${state.failingSince?.toISOString() ?? '?'} (${state.attempts} attempts, ${backlog[state.destination] ?? 0} events waiting): ${state.lastError ?? ''}` }
        : { area: 'SIEM', check: `${state.destination} delivery`, level: 'ok', detail: `${backlog[state.destination] ?? 0} events waiting` });
    }
    return findings;
  } finally {
    await database.close();
  }
}

/** A start-up Redis finding as a doctor row (warnings are only informative in the embedded default). */
function redisFinding(config: KeywardConfig, finding: { level: string; message: string }): DoctorFinding {
  const level = finding.level === 'critical' ? 'critical' : finding.level === 'warning' ? (config.embedded ? 'info' : 'warning') : 'ok';
  return { area: 'Redis', check: /maxmemory/.test(finding.message) ? 'maxmemory-policy' : 'persistence', level, detail: finding.message };
}

/** Sentinel or Cluster: reached the way the product reaches it, and every node checked (a Cluster's too). */
async function checkRedisTopology(config: KeywardConfig): Promise<DoctorFinding[]> {
  const area = 'Redis';
  let handle;
  try {
    handle = await ensureRedis({ sentinel: config.redis.sentinel, cluster: config.redis.cluster, embedded: false, dataDir: config.dataDir, logger: silentLogger });
  } catch (error) {
    return [{ area, check: 'connect', level: 'critical', detail: error instanceof Error ? error.message : String(error) }];
  }
  const client = createRedisClient(handle, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    });
    const findings = await Promise.race([checkRedis(client), timeout]);
    return [{ area, check: 'connect', level: 'ok', detail: handle.url }, ...findings.map((f) => redisFinding(config, f))];
  } catch (error) {
    return [{ area, check: 'connect', level: 'critical', detail: `${handle.url}: ${error instanceof Error ? error.message : String(error)}` }];
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

async function checkRedisServer(config: KeywardConfig): Promise<DoctorFinding[]> {
  if (config.redis.sentinel || config.redis.cluster) return checkRedisTopology(config);
  const area = 'Redis';
  const url = config.redisUrl ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const findings: DoctorFinding[] = [{ area, check: 'connect', level: 'ok', detail: `${redactUrl(url)} (Redis ${version})` }];
    for (const f of await checkRedis(redis)) findings.push(redisFinding(config, f));
    return findings;
  } catch (error) {
    const detail = `${redactUrl(url)} does not answer (${error instanceof Error ? error.message : String(error)})`;
    if (config.embedded && !config.database.url) {
      // The embedded default falls back (ensureRedis): say what npm start will do instead.
      if (!config.redisUrl) return [{ area, check: 'connect', level: 'info', detail: `${detail}; npm start will run a private redis-server from PATH` }];
      return [{ area, check: 'connect', level: 'warning', detail: `${detail}; npm start will fall back to 127.0.0.1:6379 or a private redis-server (the embedded default only)` }];
    }
    return [{ area, check: 'connect', level: 'critical', detail: `${detail}. Start Redis or fix REDIS_URL.` }];
  } finally {
    redis.disconnect();
  }
}

async function checkSlack(config: KeywardConfig): Promise<DoctorFinding[]> {
  if (!config.slack) return [{ area: 'Slack', check: 'configured', level: 'info', detail: 'not configured (SLACK_BOT_TOKEN unset)' }];
  try {
    const probe = await probeSlack(config.slack.botToken, config.slack.apiUrl);
    const findings: DoctorFinding[] = [{ area: 'Slack', check: 'auth.test', level: 'ok', detail: `bot ${probe.user ?? '?'} in ${probe.team ?? '?'}` }];
    if (probe.scopes) {
      const missing = SLACK_REQUIRED_SCOPES.filter((s) => !probe.scopes?.includes(s));
      findings.push(missing.length ? { area: 'Slack', check: 'scopes', level: 'critical', detail: `missing ${missing.join(', ')}` } : { area: 'Slack', check: 'scopes', level: 'ok', detail: SLACK_REQUIRED_SCOPES.join(', ') });
      const extra = probe.scopes.filter((s) => !SLACK_REQUIRED_SCOPES.includes(s));
      if (extra.length) findings.push({ area: 'Slack', check: 'scopes: extra', level: 'warning', detail: `not needed: ${extra.join(', ')} — remove them from the app (least privilege)` });
    }
    return findings;
  } catch (error) {
    return [{ area: 'Slack', check: 'auth.test', level: 'critical', detail: error instanceof Error ? error.message : String(error) }];
  }
}

/**
 * Okta: what the credential is, its scopes and admin roles against what the policy's self-service
 * actions need (doctor/okta-permissions.ts), and the manager attributes.
 */
async function checkOkta(config: KeywardConfig, _now: Date, policy: DoctorPolicy): Promise<DoctorFinding[]> {
  if (config.idp.kind === 'sandbox') return [{ area: 'Okta', check: 'configured', level: 'info', detail: 'sandbox directory (no OKTA_ORG_URL): nothing to check' }];
  if (config.idp.kind === 'entra') return [{ area: 'Okta', check: 'configured', level: 'info', detail: 'IDP=entra: no Okta to check' }];
  try {
    const probe = await probeOktaCredential(config.idp);
    const findings = policy.ok ? evaluateOktaPrivileges({ ...probe, enabledActions: policy.enabledActions }) : [{ area: 'Okta', check: 'scopes and admin roles', level: 'warning' as const, detail: POLICY_NOT_LOADED }];
    findings.unshift({ area: 'Okta', check: 'connect', level: 'ok', detail: `${config.idp.orgUrl} answered (X-Okta-Request-Id ${probe.requestIds.join(', ') || 'none'})` });
    findings.push(...evaluateOktaManagerAttributes(probe.userSchema));
    return findings;
  } catch (error) {
    return [{ area: 'Okta', check: 'connect', level: 'critical', detail: `${config.idp.orgUrl}: ${error instanceof Error ? error.message : String(error)}` }];
  }
}

async function checkCredentials(config: KeywardConfig, now: Date): Promise<DoctorFinding[]> {
  const { credentials } = config.operations;
  const findings: DoctorFinding[] = [];
  if (config.idp.kind === 'okta') findings.push(checkCredentialAge(config.idp.auth.mode === 'token' ? 'Okta API token' : 'Okta service app key', 'OKTA_CREDENTIAL_ROTATED_AT', credentials.oktaRotatedAt, now, credentials.rotationDays));
  if (config.slack) findings.push(checkCredentialAge('Slack bot token', 'SLACK_CREDENTIAL_ROTATED_AT', credentials.slackRotatedAt, now, credentials.rotationDays));
  if (config.idp.kind === 'entra') findings.push(checkCredentialAge(config.idp.credential.kind === 'secret' ? 'Entra client secret' : 'Entra client certificate', 'AZURE_CREDENTIAL_ROTATED_AT', credentials.azureRotatedAt, now, credentials.rotationDays));
  return findings;
}

/**
 * Entra ID: a client-credential token for Graph (proves tenant, app and credential), then its `roles`
 * claim and the service principal's directory roles against what the policy's self-service actions
 * need. The policy is read from POLICY_FILE (or the default), so disabling an action in the policy
 * makes its permission or role "not needed".
 */
async function checkEntra(config: KeywardConfig, _now: Date, policy: DoctorPolicy): Promise<DoctorFinding[]> {
  const area = 'Entra ID';
  if (config.idp.kind !== 'entra') return [{ area, check: 'configured', level: 'info', detail: `not configured (IDP=${config.idp.kind})` }];
  const idp = config.idp;
  let probe;
  try {
    probe = await probeEntraCredential(idp);
  } catch (error) {
    return [{ area, check: 'token', level: 'critical', detail: `tenant ${idp.tenantId}, app ${idp.clientId}: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const findings: DoctorFinding[] = [{ area, check: 'token', level: 'ok', detail: `client-credential token for Graph issued to app ${probe.appId ?? idp.clientId} in tenant ${probe.tenantId ?? idp.tenantId} (${idp.credential.kind})` }];
  if (probe.appId !== undefined && probe.appId !== idp.clientId) findings.push({ area, check: 'token', level: 'critical', detail: `the token was issued to app ${probe.appId}, not AZURE_CLIENT_ID ${idp.clientId}` });
  if (!policy.ok) return [...findings, { area, check: 'permissions and roles', level: 'warning', detail: POLICY_NOT_LOADED }];
  findings.push(...evaluateEntraPermissions({ roles: probe.roles, enabledActions: policy.enabledActions }));
  findings.push(...evaluateEntraDirectoryRoles({ read: probe.directoryRoles, enabledActions: policy.enabledActions }));
  return findings;
}

async function checkTeams(config: KeywardConfig): Promise<DoctorFinding[]> {
  const area = 'Teams';
  if (!config.teams) return [{ area, check: 'configured', level: 'info', detail: 'not configured (MICROSOFT_APP_* unset)' }];
  if (!config.teams.appId) return [{ area, check: 'authentication', level: 'warning', detail: 'TEAMS_EMULATOR_MODE=true: no Bot Framework JWT check (local tests only)' }];
  return [{ area, check: 'configured', level: 'ok', detail: `Azure Bot ${config.teams.appId}, single tenant ${config.teams.tenantId}` }];
}
