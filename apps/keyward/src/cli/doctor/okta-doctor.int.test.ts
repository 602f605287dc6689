import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_POLICY_FILE } from '@keyward/policy';
import { createOktaFake } from '@keyward/testkit';
import type { OktaFake, OktaSeed } from '@keyward/testkit';
import { runDoctor } from '../doctor';
import { sink, tableRow } from '../../../test/support/doctor-output';

/*
 * `keyward doctor` with an Okta service app (and an API token) against the Okta fake: the doctor
 * reads the default user schema (`GET /api/v1/meta/schemas/user/default`) and judges whether end
 * users can edit managerId / manager, the attributes the approver of their own requests comes from.
 * Real PostgreSQL (own schema) and Redis, because the doctor checks those too.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-06-01T12:00:00Z');
const CLIENT_ID = '0oakeywarddoctor';
/** What a policy that only resets, unlocks and signs out needs (the Help Desk Administrator's actions). */
const LEAST_PRIVILEGE = ['okta.users.read', 'okta.users.manage', 'okta.roles.read'];
/** The default policy with the org's own people, and MFA reset, groups, apps and conditional access escalated. */
const RESETS_ONLY_POLICY = readFileSync(DEFAULT_POLICY_FILE, 'utf8')
  .replaceAll('@example.com', '@acme.test')
  .replace(/^( {2}(?:mfa_reset|group_membership_add|group_membership_remove|app_access_request|conditional_access_change)): \{ band: (\w+),.*$/gm, '$1: { band: $2, mode: escalate }');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

describe('keyward doctor: Okta manager attributes (who names the approver)', () => {
  let okta: OktaFake;
  let dataDir: string;
  const schema = `kw_doctor_okta_${randomBytes(5).toString('hex')}`;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kw-doctor-okta-'));
    writeFileSync(path.join(dataDir, 'policy.yaml'), RESETS_ONLY_POLICY);
  });

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  /** A fresh org per test: the user schema a test changes never leaks into the next. */
  const startOkta = async (userSchema?: OktaSeed['userSchema']): Promise<void> => {
    okta = await createOktaFake({
      seed: { users: [{ id: '00uitadmin0000000001', login: 'it-admin@example.com', email: 'it-admin@example.com', firstName: 'It', lastName: 'Admin', roles: ['HELP_DESK_ADMIN'] }], ...(userSchema ? { userSchema } : {}) },
      apiTokenOwner: 'it-admin@example.com',
      oauthClientIds: [CLIENT_ID],
      clientRoles: { [CLIENT_ID]: ['HELP_DESK_ADMIN'] },
      clientScopes: { [CLIENT_ID]: [...LEAST_PRIVILEGE, 'okta.schemas.read'] },
    });
  };
  afterEach(async () => {
    await okta.close();
  });

  const doctor = async (credential: Record<string, string>): Promise<{ code: number; text: string }> => {
    const out = sink();
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: dataDir,
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: 'redis://127.0.0.1:6379',
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SIEM_JSONL: path.join(dataDir, 'siem.jsonl'),
      OKTA_ORG_URL: okta.url,
      OKTA_CREDENTIAL_ROTATED_AT: '2026-04-01',
      POLICY_FILE: path.join(dataDir, 'policy.yaml'),
      ...credential,
    };
    const code = await runDoctor([], { env, out: out.stream, now: () => NOW });
    return { code, text: out.text() };
  };
  const serviceApp = (scopes: string[] = [...LEAST_PRIVILEGE, 'okta.schemas.read']): Record<string, string> => ({ OKTA_CLIENT_ID: CLIENT_ID, OKTA_PRIVATE_KEY: privateKey, OKTA_SCOPES: scopes.join(' ') });
  const schemaReads = (): number => okta.requests().filter((r) => r.operation === 'getUserSchema').length;

  it('read-only manager attributes pass: OK for managerId and manager, okta.schemas.read expected (not "not needed"), exit 0', async () => {
    await startOkta();
    const { code, text } = await doctor(serviceApp());
    expect(text).not.toContain('CRIT');
    expect(code).toBe(0);
    expect(tableRow(text, /Okta\s+OK\s+manager attribute managerId/)).toContain('users cannot edit it (User permission: Read Only)');
    expect(tableRow(text, /Okta\s+OK\s+manager attribute manager\s/)).toContain('Read Only');
    expect(tableRow(text, /scope okta.schemas.read/)).toBeUndefined();
    expect(schemaReads()).toBe(1);
  });

  it('refuses a managerId users can edit themselves: critical, with the Profile Editor fix, exit 1', async () => {
    await startOkta({ selfPermissions: { managerId: 'READ_WRITE' } });
    const { code, text } = await doctor(serviceApp());
    expect(code).toBe(1);
    const finding = tableRow(text, /Okta\s+CRIT\s+manager attribute managerId/);
    expect(finding).toContain('a requester can name their own approver');
    expect(finding).toContain('Directory → Profile Editor → User (default) → managerId → User permission: Read Only');
    expect(tableRow(text, /Okta\s+OK\s+manager attribute manager\s/)).toBeDefined();
  });

  it('refuses a user-editable `manager` too (the fallback the adapter searches by login), even when managerId is hidden', async () => {
    await startOkta({ selfPermissions: { manager: 'READ_WRITE', managerId: 'HIDE' } });
    const { code, text } = await doctor(serviceApp());
    expect(code).toBe(1);
    expect(tableRow(text, /Okta\s+CRIT\s+manager attribute manager\s/)).toContain('→ manager → User permission: Read Only');
    expect(tableRow(text, /Okta\s+OK\s+manager attribute managerId/)).toContain('User permission: Hide');
  });

  it('an API token reads the schema too (SSWS), and is judged the same way', async () => {
    await startOkta({ selfPermissions: { managerId: 'READ_WRITE' } });
    const { code, text } = await doctor({ OKTA_API_TOKEN: okta.apiToken });
    expect(code).toBe(1);
    expect(tableRow(text, /Okta\s+CRIT\s+manager attribute managerId/)).toBeDefined();
  });

  it('a schema the credential may not read (403) is a warning that says how to check by hand, not a crash', async () => {
    await startOkta({ readable: false });
    const { code, text } = await doctor(serviceApp());
    expect(code).toBe(0);
    const finding = tableRow(text, /Okta\s+WARN\s+manager attributes/);
    expect(finding).toContain('answered 403 (E0000006');
    expect(finding).toContain('okta.schemas.read');
    expect(finding).toContain('User permission must be Read Only or Hide');
    expect(tableRow(text, /manager attribute managerId/)).toBeUndefined();
  });

  it('without okta.schemas.read in OKTA_SCOPES the schema is not requested (Okta would answer 403) and the warning names the scope', async () => {
    await startOkta({ selfPermissions: { managerId: 'READ_WRITE' } });
    const { code, text } = await doctor(serviceApp(LEAST_PRIVILEGE));
    expect(code).toBe(0);
    expect(tableRow(text, /Okta\s+WARN\s+manager attributes/)).toContain('OKTA_SCOPES does not include okta.schemas.read');
    expect(schemaReads()).toBe(0);
  });
});
