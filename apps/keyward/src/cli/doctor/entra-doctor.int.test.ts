import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createEntraIdentityFake } from '@keyward/testkit';
import type { EntraIdentityFake } from '@keyward/testkit';
import { runDoctor } from '../doctor';
import { evaluateEntraPermissions, renderEntraPermissionTable } from './entra-permissions';

/*
 * `keyward doctor` with IDP=entra against the Microsoft identity platform fake's token endpoint: the
 * fake puts the application permissions the test chooses in the Graph token's `roles` claim, the
 * doctor compares them with what the default policy's self-service actions need. Real PostgreSQL
 * (own schema) and Redis, because the doctor checks those too.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-06-01T12:00:00Z');
const CLIENT_ID = randomUUID();
const CLIENT_SECRET = `secret-${randomBytes(12).toString('hex')}`;

/** Exactly what the default policy (everything self-service but privileged access) needs. */
const LEAST_PRIVILEGE = [
  'User.Read.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
  'IdentityRiskyUser.ReadWrite.All',
  'User-PasswordProfile.ReadWrite.All',
  'User.RevokeSessions.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Application.Read.All',
];

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString('utf8'); cb(); } }), text: () => text };
}

/** The table row for a check (level + check name) with its wrapped continuation lines, as one line. */
function row(text: string, check: RegExp): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => check.test(line));
  if (start < 0) return undefined;
  const parts = [lines[start] as string];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    parts.push(line.trim());
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}

describe('keyward doctor: Entra ID Graph permissions from the token `roles` claim', () => {
  let identity: EntraIdentityFake;
  let dataDir: string;
  const schema = `kw_doctor_entra_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-entra-'));
    identity = await createEntraIdentityFake({ tenantId: randomUUID(), clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  });

  afterAll(async () => {
    await identity.close();
    rmSync(dataDir, { recursive: true, force: true });
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    DATA_DIR: dataDir,
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SIEM_JSONL: path.join(dataDir, 'siem.jsonl'),
    IDP: 'entra',
    AZURE_TENANT_ID: identity.tenantId,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    AZURE_AUTHORITY_HOST: identity.url,
    PUBLIC_BASE_URL: 'https://keyward.example',
    ...extra,
  });

  const doctor = async (extra: Record<string, string> = {}): Promise<{ code: number; text: string }> => {
    const out = sink();
    const code = await runDoctor([], { env: env(extra), out: out.stream, now: () => NOW });
    return { code, text: out.text() };
  };

  it('least privilege passes: token OK, required permissions OK, only the AppRoleAssignment caveat, credential age OK', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE);
    const { code, text } = await doctor({ AZURE_CREDENTIAL_ROTATED_AT: '2026-04-01' });
    expect(text).not.toContain('CRIT');
    expect(code).toBe(0);
    expect(row(text, /Entra ID\s+OK\s+token/)).toContain(`app ${CLIENT_ID}`);
    expect(row(text, /Entra ID\s+OK\s+permissions: required/)).toContain('User-PasswordProfile.ReadWrite.All');
    expect(row(text, /WARN\s+AppRoleAssignment.ReadWrite.All/)).toContain('needed for app access');
    expect(row(text, /OK\s+Entra client secret age/)).toContain('61 days old');
    // The secret and the token never reach the report.
    expect(text).not.toContain(CLIENT_SECRET);
    expect(identity.tokenRequests.filter((t) => t.grantType === 'client_credentials').length).toBeGreaterThan(0);
  });

  it('flags tenant-takeover permissions as critical (exit 1) and names them', async () => {
    identity.setAppRoles(CLIENT_ID, [...LEAST_PRIVILEGE, 'Directory.ReadWrite.All', 'RoleManagement.ReadWrite.Directory', 'Application.ReadWrite.All', 'Mail.Read']);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(row(text, /CRIT\s+Directory.ReadWrite.All/)).toBeDefined();
    expect(row(text, /CRIT\s+RoleManagement.ReadWrite.Directory/)).toContain('Global Administrator');
    expect(row(text, /CRIT\s+Application.ReadWrite.All/)).toBeDefined();
    expect(row(text, /INFO\s+Mail.Read/)).toContain('not needed');
    // Unknown rotation date: a warning, not silence.
    expect(row(text, /WARN\s+Entra client secret age/)).toContain('AZURE_CREDENTIAL_ROTATED_AT');
  });

  it('reports a missing permission with the action that needs it', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE.filter((p) => p !== 'User-PasswordProfile.ReadWrite.All'));
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(row(text, /CRIT\s+permissions: missing/)).toContain('User-PasswordProfile.ReadWrite.All — needed by password_reset');
  });

  it('a token without any roles claim (nothing consented) is critical', async () => {
    identity.setAppRoles(CLIENT_ID, []);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(row(text, /CRIT\s+permissions\s/)).toContain('no `roles` claim');
  });

  it('a wrong client secret is a critical token finding with the AADSTS error, not a crash', async () => {
    const { code, text } = await doctor({ AZURE_CLIENT_SECRET: 'wrong-secret' });
    expect(code).toBe(1);
    expect(row(text, /Entra ID\s+CRIT\s+token/)).toContain('invalid_client');
    expect(text).not.toContain('wrong-secret');
  });
});

describe('Entra permission list', () => {
  it('is the table README "Entra ID" shows (one list for the doctor and the docs)', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../../../README.md'), 'utf8');
    expect(readme).toContain(renderEntraPermissionTable());
  });

  it('a permission for an action the policy does not enable is "not needed"', () => {
    const findings = evaluateEntraPermissions({ roles: ['User.Read.All', 'GroupMember.Read.All', 'RoleManagement.Read.Directory', 'User-PasswordProfile.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'], enabledActions: ['password_reset'] });
    expect(findings.find((f) => f.check === 'permissions: required')?.level).toBe('ok');
    expect(findings.find((f) => f.check === 'UserAuthenticationMethod.ReadWrite.All')).toMatchObject({ level: 'warning', detail: expect.stringContaining('not needed') });
  });

  it('a broader grant covers a narrower read but is still flagged', () => {
    const findings = evaluateEntraPermissions({ roles: ['Directory.ReadWrite.All', 'User-PasswordProfile.ReadWrite.All'], enabledActions: ['password_reset'] });
    expect(findings.find((f) => f.check === 'permissions: required')?.level).toBe('ok');
    expect(findings.find((f) => f.check === 'Directory.ReadWrite.All')?.level).toBe('critical');
  });
});
