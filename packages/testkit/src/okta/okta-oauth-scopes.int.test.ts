import { createOktaFake } from './okta-fake-server';
import type { OktaFake } from './okta-fake-server';
import { OKTA_API_ROUTES } from './okta-api-routes';
import { demoDirectory, DEMO_GROUP_IDS, DEMO_USER_IDS } from './demo-directory';
import { OPERATION_SCOPES } from './okta-oauth-scopes';
import { createResponseValidator } from './openapi-response-validator';
import { OKTA_SPEC_FILE, describeWithSharedFile, oktaSpecScopes } from '../shared-data';

/**
 * Service-app tokens carry scopes, and Okta checks them per operation: the fake's list is the spec's,
 * and a call the token's scopes do not cover is refused the way Okta refuses it.
 */
const SPEC = OKTA_SPEC_FILE;
const CLIENT_ID = '0oascopedapp';

/** A client_credentials token for CLIENT_ID (the fake checks the assertion's claims, not its signature). */
async function serviceAppToken(fake: OktaFake, scopes: string[]): Promise<string> {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const assertion = `${encode({ alg: 'RS256' })}.${encode({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${fake.url}/oauth2/v1/token`, iat: now, exp: now + 300 })}.unsigned`;
  const res = await fetch(`${fake.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

describeWithSharedFile(SPEC)('the Okta fake enforces OAuth scopes per operation for service apps', () => {
  let fake: OktaFake;
  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory, oauthClientIds: [CLIENT_ID] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it("knows the scope of every operation it serves, and it is the spec's", () => {
    const spec = oktaSpecScopes(SPEC);
    const served = [...new Set([...OKTA_API_ROUTES.map((r) => r.operation), 'listRolesForClient'])].sort();
    expect(Object.keys(OPERATION_SCOPES).sort()).toEqual(served);
    for (const operation of served) expect([operation, spec.get(operation)]).toEqual([operation, [OPERATION_SCOPES[operation]]]);
  });

  it('refuses a membership write without okta.groups.manage: 403 E0000006 with the insufficient_scope challenge, nothing changed', async () => {
    const token = await serviceAppToken(fake, ['okta.users.read', 'okta.groups.read']);
    const path = `/api/v1/groups/${DEMO_GROUP_IDS.designTeam}/users/${DEMO_USER_IDS.bob}`;
    const res = await fetch(`${fake.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { errorCode: string };
    expect(body.errorCode).toBe('E0000006');
    expect(createResponseValidator(SPEC).validate('assignUserToGroup', 403, body)).toEqual([]);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="okta.groups.manage"');
    expect(challenge).toContain(`resource="${path}"`);
    expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(DEMO_USER_IDS.bob);
  });

  it("accepts a resource's .manage scope for its reads, and leaves API tokens unscoped", async () => {
    const token = await serviceAppToken(fake, ['okta.groups.manage']);
    expect((await fetch(`${fake.url}/api/v1/groups`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${fake.url}/api/v1/users/${DEMO_USER_IDS.alice}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await fetch(`${fake.url}/api/v1/apps`, { headers: { authorization: `SSWS ${fake.apiToken}` } })).status).toBe(200);
  });
});
