import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_POLICY_FILE } from '@keyward/policy';
import { createOktaFake, createSlackFake } from '@keyward/testkit';
import type { OktaFake, SlackFake } from '@keyward/testkit';
import { runDoctor } from '../../src/cli/doctor';
import { runPolicyShow } from '../../src/cli/policy-show';
import { sink, tableRow } from '../support/doctor-output';

/*
 * `keyward doctor` end to end against the Okta and Slack Web API fakes, real PostgreSQL (own schema)
 * and Redis: the local one (noeviction) and a private redis-server started with an evicting policy.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-06-01T12:00:00Z');

/** Policy files a deployment could run: the default policy's rules with the org's own people, and variants. */
const DEMO_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const OWN_TEXT = DEMO_TEXT.replaceAll('@example.com', '@acme.test');
const POLICIES = {
  /** Everything self-service but privileged access, as the default policy. */
  own: OWN_TEXT,
  /** Only reset, unlock and sign-out self-service (the rest escalated): what Help Desk Administrator covers. */
  resetsOnly: OWN_TEXT.replace(/^( {2}(?:mfa_reset|group_membership_add|group_membership_remove|app_access_request|conditional_access_change)): \{ band: (\w+),.*$/gm, '$1: { band: $2, mode: escalate }'),
  /** An unchanged copy of the bundled demo policy. */
  demoCopy: DEMO_TEXT,
  /** A band that does not exist: start-up refuses the file. */
  broken: OWN_TEXT.replace('  password_reset: { band: low,', '  password_reset: { band: lowish,'),
};
/** Every scope the default policy's actions need (README "Okta"). */
const DEFAULT_POLICY_SCOPES = 'okta.users.read okta.roles.read okta.users.manage okta.groups.read okta.groups.manage okta.apps.read okta.apps.manage';

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
  const policyFile = (name: keyof typeof POLICIES): string => path.join(dataDir, `${name}.policy.yaml`);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-'));
    for (const [name, text] of Object.entries(POLICIES)) writeFileSync(policyFile(name as keyof typeof POLICIES), text);
    okta = await createOktaFake({
      seed: { users: [{ id: '00uadmin1', login: 'it-admin@example.com', email: 'it-admin@example.com', firstName: 'It', lastName: 'Admin', roles: ['SUPER_ADMIN'] }] },
      apiTokenOwner: 'it-admin@example.com',
      oauthClientIds: [clientId, 'broadclient', 'helpdeskclient', 'fullclient'],
      // helpdeskclient and fullclient have every scope they ask for: only their roles differ.
      clientRoles: { [clientId]: ['HELP_DESK_ADMIN'], broadclient: ['ORG_ADMIN'], helpdeskclient: ['HELP_DESK_ADMIN'], fullclient: ['HELP_DESK_ADMIN', 'GROUP_MEMBERSHIP_ADMIN', 'APP_ADMIN'] },
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
    POLICY_FILE: policyFile('resetsOnly'),
  });
  const doctor = async (env: NodeJS.ProcessEnv): Promise<{ code: number; text: string }> => {
    const out = sink();
    const code = await runDoctor([], { env, out: out.stream, now: () => NOW });
    return { code, text: out.text() };
  };
  const serviceApp = (id: string, scopes: string): NodeJS.ProcessEnv => ({ OKTA_CLIENT_ID: id, OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: scopes, OKTA_CREDENTIAL_ROTATED_AT: '2026-04-01' });

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

  describe('Okta access judged against the policy, not a fixed list', () => {
    it('the old README scopes (users, roles) with the default policy\'s actions: group and app scopes missing, and Help Desk Administrator cannot do those writes (critical)', async () => {
      const { code, text } = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('own'), ...serviceApp(clientId, 'okta.users.read okta.users.manage okta.roles.read') });
      expect(code).toBe(1);
      expect(tableRow(text, /Okta\s+CRIT\s+scopes: missing/)).toContain('okta.groups.read, okta.groups.manage, okta.apps.read, okta.apps.manage — needed by group_membership, app_access');
      expect(tableRow(text, /Okta\s+CRIT\s+admin role: group_membership/)).toContain('Assign Group Membership Administrator (GROUP_MEMBERSHIP_ADMIN) or a custom role with okta.groups.read, okta.groups.members.manage');
      expect(tableRow(text, /Okta\s+CRIT\s+admin role: app_access/)).toContain('Assign Application Administrator (APP_ADMIN)');
      expect(tableRow(text, /Okta\s+OK\s+role HELP_DESK_ADMIN/)).toContain('cannot add users to groups or assign apps');
    });

    it("Terraform's grant (the default policy's scopes + okta.schemas.read) with roles for every action: okta.groups.manage and okta.apps.manage required, not \"not needed\"", async () => {
      const { code, text } = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('own'), ...serviceApp('fullclient', `${DEFAULT_POLICY_SCOPES} okta.schemas.read`) });
      expect(text).not.toContain('CRIT');
      expect(code).toBe(0);
      expect(tableRow(text, /Okta\s+OK\s+scopes: required/)).toContain('okta.apps.manage, okta.apps.read, okta.groups.manage, okta.groups.read, okta.roles.read, okta.users.manage, okta.users.read');
      expect(tableRow(text, /scope okta\.(groups|apps)\./)).toBeUndefined();
      expect(tableRow(text, /Okta\s+OK\s+role GROUP_MEMBERSHIP_ADMIN/)).toBeDefined();
      expect(tableRow(text, /Okta\s+WARN\s+role APP_ADMIN/)).toContain('okta.apps.assignment.manage is tighter');
      expect(tableRow(text, /Okta\s+INFO\s+admin roles: needed/)).toContain('group join / leave, conditional-access exception (exclusion group), removal at expiry: Group Membership Administrator (GROUP_MEMBERSHIP_ADMIN)');
    });

    it('every scope granted but only Help Desk Administrator: group joins and app access will certainly fail (critical, with the role to assign)', async () => {
      const { code, text } = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('own'), ...serviceApp('helpdeskclient', DEFAULT_POLICY_SCOPES) });
      expect(code).toBe(1);
      expect(tableRow(text, /Okta\s+OK\s+scopes: required/)).toBeDefined();
      expect(tableRow(text, /Okta\s+CRIT\s+admin role: group_membership/)).toContain('no admin role of helpdeskclient allows it: Okta will refuse it (403 E0000006)');
      expect(tableRow(text, /Okta\s+CRIT\s+admin role: app_access/)).toBeDefined();
      expect(tableRow(text, /admin role: password_reset/)).toBeUndefined();
    });

    it('disabling group and app actions in the policy makes their scopes "not needed" and Help Desk Administrator enough', async () => {
      const { code, text } = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('resetsOnly'), ...serviceApp('helpdeskclient', DEFAULT_POLICY_SCOPES) });
      expect(code).toBe(0);
      expect(tableRow(text, /Okta\s+WARN\s+scope okta.groups.manage/)).toContain('not needed');
      expect(tableRow(text, /Okta\s+WARN\s+scope okta.apps.manage/)).toContain('not needed');
      expect(tableRow(text, /admin role:/)).toBeUndefined();
    });
  });

  describe('the policy file', () => {
    it('a real deployment (Slack + Okta) on the bundled demo policy (POLICY_FILE unset) is critical', async () => {
      const env = { ...baseEnv(), ...serviceApp(clientId, 'okta.users.read okta.users.manage okta.roles.read') };
      delete env.POLICY_FILE;
      const { code, text } = await doctor(env);
      expect(code).toBe(1);
      expect(tableRow(text, /Policy\s+CRIT\s+demo policy/)).toContain('POLICY_FILE is not set: the bundled demo policy names example.com people as owners and helpdesk admins; write your own policy (README → Policy) and set POLICY_FILE');
    });

    it('an unchanged copy of the demo policy in POLICY_FILE is critical too; the org\'s own policy is OK', async () => {
      const copy = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('demoCopy'), ...serviceApp(clientId, 'okta.users.read okta.users.manage okta.roles.read') });
      expect(tableRow(copy.text, /Policy\s+CRIT\s+demo policy/)).toContain('an unchanged copy of the bundled demo policy');
      const own = await doctor({ ...baseEnv(), ...serviceApp(clientId, 'okta.users.read okta.users.manage okta.roles.read') });
      expect(tableRow(own.text, /Policy\s+OK\s+policy file/)).toContain(`${policyFile('resetsOnly')} (version 2026-`);
      expect(tableRow(own.text, /demo policy/)).toBeUndefined();
    });

    it('the embedded default (console + sandbox) may run the demo policy: info, not critical', async () => {
      const { text } = await doctor({ DATA_DIR: dataDir, DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: 'redis://127.0.0.1:6379', SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
      expect(tableRow(text, /Configuration\s+OK\s+environment/)).toContain('embedded default');
      expect(tableRow(text, /Policy\s+INFO\s+demo policy/)).toBeDefined();
      expect(tableRow(text, /Policy\s+CRIT/)).toBeUndefined();
    });

    it('a file start-up would refuse is critical with the line-numbered problems `keyward policy show` prints, one per row; the IdP check says it could not compare', async () => {
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      let shown: string;
      try {
        expect(await runPolicyShow(['--file', policyFile('broken')])).toBe(1);
        shown = stderr.mock.calls.map((call) => String(call[0])).join('');
      } finally {
        stderr.mockRestore();
      }
      expect(shown).toMatch(/^Policy file .+ is invalid:\n {2}- line \d+, actions\.password_reset\.band: /);
      const { code, text } = await doctor({ ...baseEnv(), POLICY_FILE: policyFile('broken'), ...serviceApp(clientId, 'okta.users.read okta.users.manage okta.roles.read') });
      expect(code).toBe(1);
      expect(tableRow(text, /Policy\s+CRIT\s+policy file/)).toContain(shown.replace(/\s+/g, ' ').trim());
      // Each problem starts its own line of the table, as in the printed message.
      const problem = /^ {2}(- line \d+, .*)$/m.exec(shown)?.[1] ?? '';
      expect(text.split('\n').some((line) => line.trim().startsWith(problem.slice(0, 40)))).toBe(true);
      expect(tableRow(text, /Okta\s+WARN\s+scopes and admin roles/)).toContain('the policy file did not load');
    });
  });
});
