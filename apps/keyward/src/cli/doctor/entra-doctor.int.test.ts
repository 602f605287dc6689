import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_POLICY_FILE } from '@keyward/policy';
import { ENTRA_ROLES, createEntraIdentityFake, createGraphFake } from '@keyward/testkit';
import type { EntraIdentityFake, GraphFake } from '@keyward/testkit';
import { runDoctor } from '../doctor';
import { evaluateEntraPermissions, renderEntraPermissionTable } from './entra-permissions';
import { decodeJwtPayload } from './entra-probe';
import { sink, tableRow } from '../../../test/support/doctor-output';

/*
 * `keyward doctor` with IDP=entra against the Microsoft identity platform fake's token endpoint: the
 * fake puts the application permissions the test chooses in the Graph token's `roles` claim, the
 * doctor compares them with what the default policy's self-service actions need. Then the Graph fake
 * (which refuses, like Graph, a roles claim without a permission the call accepts) answers which
 * directory roles the app's service principal holds. Real PostgreSQL (own schema) and Redis, because
 * the doctor checks those too.
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

/** Helpdesk (password reset) and Authentication Administrator (MFA re-enrolment), scoped to an administrative unit of employees. */
const EMPLOYEES_UNIT = '/administrativeUnits/4f2c7d1e-0b5a-4c3e-9d7f-2a6b8c1e5f30';
const FITTING_ROLES = [
  { ...ENTRA_ROLES.helpdeskAdministrator, directoryScopeId: EMPLOYEES_UNIT },
  { ...ENTRA_ROLES.authenticationAdministrator, directoryScopeId: EMPLOYEES_UNIT },
];

describe('keyward doctor: Entra ID Graph permissions from the token `roles` claim', () => {
  let identity: EntraIdentityFake;
  let graph: GraphFake;
  /** Object id of the app's service principal: the `oid` of its app-only tokens. */
  let servicePrincipalId: string;
  let dataDir: string;
  const schema = `kw_doctor_entra_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-entra-'));
    // The default policy's actions with the org's own people (the bundled demo policy is refused outside the embedded default).
    writeFileSync(path.join(dataDir, 'policy.yaml'), readFileSync(DEFAULT_POLICY_FILE, 'utf8').replaceAll('@example.com', '@acme.test'));
    identity = await createEntraIdentityFake({ tenantId: randomUUID(), clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
    graph = await createGraphFake({ isAccessToken: identity.isAccessToken, enforceApplicationPermissions: true, pageSize: 2 });
    const res = await fetch(`${identity.url}/${identity.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://graph.microsoft.com/.default' }) });
    servicePrincipalId = decodeJwtPayload(((await res.json()) as { access_token: string }).access_token)['oid'] as string;
  });

  beforeEach(() => {
    graph.directory.setDirectoryRoles(servicePrincipalId, FITTING_ROLES);
  });

  afterAll(async () => {
    await identity.close();
    await graph.close();
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
    GRAPH_API_URL: graph.url,
    PUBLIC_BASE_URL: 'https://keyward.example',
    POLICY_FILE: path.join(dataDir, 'policy.yaml'),
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
    expect(tableRow(text, /Entra ID\s+OK\s+token/)).toContain(`app ${CLIENT_ID}`);
    expect(tableRow(text, /Entra ID\s+OK\s+permissions: required/)).toContain('User-PasswordProfile.ReadWrite.All');
    expect(tableRow(text, /WARN\s+AppRoleAssignment.ReadWrite.All/)).toContain('needed for app access');
    expect(tableRow(text, /OK\s+Entra client secret age/)).toContain('61 days old');
    expect(tableRow(text, /Entra ID\s+OK\s+directory roles\s/)).toContain(`holds Helpdesk Administrator (administrative unit ${EMPLOYEES_UNIT.split('/')[2]}), Authentication Administrator`);
    expect(tableRow(text, /directory role\s/)).toBeUndefined();
    // The secret and the token never reach the report.
    expect(text).not.toContain(CLIENT_SECRET);
    expect(identity.tokenRequests.filter((t) => t.grantType === 'client_credentials').length).toBeGreaterThan(0);
  });

  it('flags tenant-takeover permissions as critical (exit 1) and names them', async () => {
    identity.setAppRoles(CLIENT_ID, [...LEAST_PRIVILEGE, 'Directory.ReadWrite.All', 'RoleManagement.ReadWrite.Directory', 'Application.ReadWrite.All', 'Mail.Read']);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(tableRow(text, /CRIT\s+Directory.ReadWrite.All/)).toBeDefined();
    expect(tableRow(text, /CRIT\s+RoleManagement.ReadWrite.Directory/)).toContain('Global Administrator');
    expect(tableRow(text, /CRIT\s+Application.ReadWrite.All/)).toBeDefined();
    expect(tableRow(text, /INFO\s+Mail.Read/)).toContain('not needed');
    // Unknown rotation date: a warning, not silence.
    expect(tableRow(text, /WARN\s+Entra client secret age/)).toContain('AZURE_CREDENTIAL_ROTATED_AT');
  });

  it('reports a missing permission with the action that needs it', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE.filter((p) => p !== 'User-PasswordProfile.ReadWrite.All'));
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(tableRow(text, /CRIT\s+permissions: missing/)).toContain('User-PasswordProfile.ReadWrite.All — needed by password_reset');
  });

  it('a token without any roles claim (nothing consented) is critical', async () => {
    identity.setAppRoles(CLIENT_ID, []);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(tableRow(text, /CRIT\s+permissions\s/)).toContain('no `roles` claim');
  });

  it('refuses an app that holds Global Administrator or Privileged Role Administrator (critical, exit 1), listing the fitting roles as OK', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE);
    graph.directory.setDirectoryRoles(servicePrincipalId, [ENTRA_ROLES.globalAdministrator, ENTRA_ROLES.privilegedRoleAdministrator, ...FITTING_ROLES]);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(tableRow(text, /Entra ID\s+CRIT\s+directory role\s+Global Administrator/)).toContain('(tenant-wide): full control of the tenant');
    expect(tableRow(text, /Entra ID\s+CRIT\s+directory role\s+Privileged Role Administrator/)).toContain('can assign any directory role, Global Administrator included');
    expect(tableRow(text, /Entra ID\s+OK\s+directory roles\s/)).toContain('Helpdesk Administrator');
    // Four assignments over pages of two: the doctor followed @odata.nextLink.
    expect(graph.requests.filter((r) => r.url.includes('/roleManagement/directory/roleAssignments')).some((r) => r.url.includes('skiptoken'))).toBe(true);
  });

  it('Privileged Authentication Administrator is critical (it resets admins too); User Administrator a warning that names the narrower role', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE);
    graph.directory.setDirectoryRoles(servicePrincipalId, [ENTRA_ROLES.privilegedAuthenticationAdministrator, ENTRA_ROLES.userAdministrator]);
    const { code, text } = await doctor();
    expect(code).toBe(1);
    expect(tableRow(text, /CRIT\s+directory role\s+Privileged Authentication Administrator/)).toContain('Global Administrators included');
    expect(tableRow(text, /WARN\s+directory role\s+User Administrator/)).toContain('Helpdesk Administrator scoped to an administrative unit');
    // Both roles can reset passwords and MFA: nothing is reported missing.
    expect(tableRow(text, /directory roles: missing/)).toBeUndefined();
  });

  it('an app without the role password resets need gets a warning naming it (Graph would refuse every reset)', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE);
    graph.directory.setDirectoryRoles(servicePrincipalId, []);
    const { code, text } = await doctor({ AZURE_CREDENTIAL_ROTATED_AT: '2026-04-01' });
    expect(code).toBe(0);
    expect(tableRow(text, /WARN\s+directory roles: missing\s+password resets/)).toContain('Helpdesk Administrator or User Administrator');
    expect(tableRow(text, /WARN\s+directory roles: missing\s+MFA re-enrolment/)).toContain('Authentication Administrator');
  });

  it('without RoleManagement.Read.Directory Graph refuses the role read: a warning that says so, not a crash', async () => {
    identity.setAppRoles(CLIENT_ID, LEAST_PRIVILEGE.filter((p) => p !== 'RoleManagement.Read.Directory'));
    graph.directory.setDirectoryRoles(servicePrincipalId, [ENTRA_ROLES.globalAdministrator]);
    const { code, text } = await doctor();
    expect(code).toBe(1); // the missing permission itself is critical
    const finding = tableRow(text, /Entra ID\s+WARN\s+directory roles\s/);
    expect(finding).toContain('403 Authorization_RequestDenied');
    expect(finding).toContain('Grant RoleManagement.Read.Directory');
    expect(tableRow(text, /directory role\s+Global Administrator/)).toBeUndefined();
  });

  it('a wrong client secret is a critical token finding with the AADSTS error, not a crash', async () => {
    const { code, text } = await doctor({ AZURE_CLIENT_SECRET: 'wrong-secret' });
    expect(code).toBe(1);
    expect(tableRow(text, /Entra ID\s+CRIT\s+token/)).toContain('invalid_client');
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
