import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createOktaFake, createSlackFake } from '@keyward/testkit';
import type { OktaFake, SlackFake } from '@keyward/testkit';
import { runDoctor } from '../../src/cli/doctor';
import { sink } from '../support/doctor-output';

/*
 * `keyward doctor` end to end against the Okta and Slack Web API fakes, real PostgreSQL (own schema)
 * and Redis: the local one (noeviction) and a private redis-server started with an evicting policy.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-06-01T12:00:00Z');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(policy: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', policy], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.on('listening', () => socket.close(() => resolve(false)));
      socket.on('error', () => resolve(true));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** One line of the table, as `LVL CHECK` → detail, for assertions. */
function row(text: string, check: RegExp): string | undefined {
  return text.split('\n').find((line) => check.test(line));
}

describe('keyward doctor against the fakes', () => {
  let okta: OktaFake;
  let slack: SlackFake;
  let dataDir: string;
  const schema = `kw_doctor_${randomBytes(5).toString('hex')}`;
  const clientId = '0oakeywardbot';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  let badRedis: { url: string; child: ChildProcess };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-'));
    okta = await createOktaFake({
      seed: { users: [{ id: '00uadmin1', login: 'it-admin@example.com', email: 'it-admin@example.com', firstName: 'It', lastName: 'Admin', roles: ['SUPER_ADMIN'] }] },
      apiTokenOwner: 'it-admin@example.com',
      oauthClientIds: [clientId, 'broadclient'],
      clientRoles: { [clientId]: ['HELP_DESK_ADMIN'], broadclient: ['ORG_ADMIN'] },
      clientScopes: { [clientId]: ['okta.users.read', 'okta.users.manage', 'okta.roles.read'], broadclient: ['okta.users.read', 'okta.users.manage', 'okta.roles.read', 'okta.roles.manage', 'okta.groups.manage'] },
    });
    slack = await createSlackFake();
    badRedis = await startRedis('allkeys-lru');
  });

  afterAll(async () => {
    await okta.close();
    await slack.close();
    badRedis.child.kill();
    rmSync(dataDir, { recursive: true, force: true });
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  const baseEnv = (): NodeJS.ProcessEnv => ({
    DATA_DIR: dataDir,
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SLACK_BOT_TOKEN: 'xoxb-keyward-test-token',
    SLACK_SIGNING_SECRET: 'sign',
    SLACK_API_URL: `${slack.apiUrl}`,
    SLACK_ESCALATION_CHANNEL: 'C0HELPDESK',
    SLACK_CREDENTIAL_ROTATED_AT: '2026-05-01',
    OKTA_ORG_URL: okta.url,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SIEM_JSONL: path.join(dataDir, 'siem.jsonl'),
  });

  it('a least-privilege service app passes: exit 0, help desk role, exactly the needed scopes', async () => {
    const out = sink();
    const code = await runDoctor([], { env: { ...baseEnv(), OKTA_CLIENT_ID: clientId, OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: 'okta.users.read okta.users.manage okta.roles.read', OKTA_CREDENTIAL_ROTATED_AT: '2026-04-01' }, out: out.stream, now: () => NOW });
    const text = out.text();
    expect(text).not.toContain('CRIT');
    expect(code).toBe(0);
    expect(row(text, /Okta\s+OK\s+credential type/)).toContain(`OAuth service app ${clientId}`);
    expect(row(text, /OK\s+role HELP_DESK_ADMIN/)).toBeDefined();
    expect(row(text, /OK\s+scopes: required/)).toContain('okta.roles.read, okta.users.manage, okta.users.read');
    expect(row(text, /Slack\s+OK\s+auth.test/)).toBeDefined();
    expect(row(text, /Database\s+OK\s+connect/)).toBeDefined();
    expect(text.replace(/\s+/g, " ")).toContain(`schema ${schema}, migrations applied`);
    expect(row(text, /OK\s+Okta service app key age/)).toContain('61 days old');
    expect(row(text, /SIEM\s+OK\s+jsonl delivery/)).toBeUndefined(); // no drain registered yet: nothing to report
  });

  it('flags SUPER_ADMIN behind an API token, an old credential, and exits 1', async () => {
    const out = sink();
    const code = await runDoctor([], { env: { ...baseEnv(), OKTA_API_TOKEN: okta.apiToken, OKTA_CREDENTIAL_ROTATED_AT: '2025-11-01' }, out: out.stream, now: () => NOW });
    const text = out.text();
    expect(code).toBe(1);
    expect(row(text, /WARN\s+credential type/)).toContain('API token acting as it-admin@example.com');
    expect(row(text, /CRIT\s+role SUPER_ADMIN/)).toBeDefined();
    expect(row(text, /WARN\s+Okta API token age/)).toContain('212 days since rotation on 2025-11-01');
  });

  it('flags broad roles and scopes of a service app (ORG_ADMIN, okta.roles.manage, unneeded okta.groups.manage)', async () => {
    const out = sink();
    const code = await runDoctor([], { env: { ...baseEnv(), OKTA_CLIENT_ID: 'broadclient', OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: 'okta.users.read okta.users.manage okta.roles.read okta.roles.manage okta.groups.manage' }, out: out.stream, now: () => NOW });
    const text = out.text();
    expect(code).toBe(1);
    expect(row(text, /CRIT\s+role ORG_ADMIN/)).toBeDefined();
    expect(row(text, /CRIT\s+scope okta.roles.manage/)).toContain('can assign admin roles');
    expect(row(text, /WARN\s+scope okta.groups.manage/)).toContain('not needed');
    expect(row(text, /WARN\s+Okta service app key age/)).toContain('rotation date unknown');
  });

  it('reports a scope the app was never granted as a refused token (critical)', async () => {
    const out = sink();
    const code = await runDoctor([], { env: { ...baseEnv(), OKTA_CLIENT_ID: clientId, OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: 'okta.users.read okta.users.manage okta.roles.read okta.apps.manage' }, out: out.stream, now: () => NOW });
    expect(code).toBe(1);
    expect(row(out.text(), /Okta\s+CRIT\s+connect/)).toContain('invalid_scope');
  });

  it('fails on a Redis whose maxmemory-policy can evict jobs (F16)', async () => {
    const out = sink();
    const code = await runDoctor([], { env: { ...baseEnv(), REDIS_URL: badRedis.url, OKTA_CLIENT_ID: clientId, OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: 'okta.users.read okta.users.manage okta.roles.read', OKTA_CREDENTIAL_ROTATED_AT: '2026-04-01' }, out: out.stream, now: () => NOW });
    expect(code).toBe(1);
    expect(row(out.text(), /Redis\s+CRIT\s+maxmemory-policy/)).toContain('allkeys-lru');
    expect(row(out.text(), /Redis\s+WARN\s+persistence/)).toBeDefined();
  });

  it('reports a broken Slack token and a bad configuration without crashing', async () => {
    const out = sink();
    expect(await runDoctor([], { env: { ...baseEnv(), SLACK_BOT_TOKEN: 'xoxb-wrong', OKTA_API_TOKEN: okta.apiToken }, out: out.stream, now: () => NOW })).toBe(1);
    expect(row(out.text(), /Slack\s+CRIT\s+auth.test/)).toContain('invalid_auth');
    const bad = sink();
    expect(await runDoctor([], { env: { SIEM_SYSLOG_URL: 'udp://x:514' }, out: bad.stream })).toBe(1);
    expect(bad.text()).toMatch(/Configuration\s+CRIT\s+environment\s+Configuration problems: - SIEM_SYSLOG_URL/);
  });
});
