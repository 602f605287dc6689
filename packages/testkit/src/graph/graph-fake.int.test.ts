import { createEntraIdentityFake } from '../entra-oidc/entra-identity-fake';
import type { EntraIdentityFake } from '../entra-oidc/entra-identity-fake';
import { createGraphFake } from './graph-fake';
import type { GraphFake } from './graph-fake';
import { ENTRA_ROLES } from './graph-fake-state';

/** The Graph fake's directory-role reads: what `keyward doctor` and the Entra adapter's admin-role check call. */
describe('Graph fake: roleManagement/directory/roleAssignments', () => {
  let identity: EntraIdentityFake;
  let strict: GraphFake;
  let lenient: GraphFake;
  const principal = '5d1c3b7a-2e4f-4a6b-8c9d-0e1f2a3b4c5d';

  beforeAll(async () => {
    identity = await createEntraIdentityFake({ clients: [{ clientId: 'reader', clientSecret: 's1', appRoles: ['RoleManagement.Read.Directory'] }, { clientId: 'blind', clientSecret: 's2', appRoles: ['User.Read.All'] }] });
    strict = await createGraphFake({ isAccessToken: identity.isAccessToken, enforceApplicationPermissions: true });
    lenient = await createGraphFake({ isAccessToken: identity.isAccessToken });
    for (const graph of [strict, lenient]) {
      graph.directory.setDirectoryRoles(principal, [ENTRA_ROLES.globalAdministrator, { ...ENTRA_ROLES.helpdeskAdministrator, directoryScopeId: '/administrativeUnits/au-1' }]);
      graph.directory.assignRole('someone-else', ENTRA_ROLES.userAdministrator);
    }
  });
  afterAll(async () => {
    await Promise.all([identity.close(), strict.close(), lenient.close()]);
  });

  const token = async (clientId: string, secret: string): Promise<string> => {
    const res = await fetch(`${identity.url}/${identity.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }) });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const list = async (graph: GraphFake, bearer: string): Promise<{ status: number; body: { value?: Array<Record<string, unknown>>; error?: { code: string } } }> => {
    const filter = encodeURIComponent(`principalId eq '${principal}'`);
    const res = await fetch(`${graph.url}/v1.0/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=roleDefinition`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, body: (await res.json()) as { value?: Array<Record<string, unknown>>; error?: { code: string } } };
  };

  it("lists only the principal's assignments, with scope and the expanded role definition", async () => {
    const { status, body } = await list(strict, await token('reader', 's1'));
    expect(status).toBe(200);
    expect(body.value).toEqual([
      expect.objectContaining({ principalId: principal, roleDefinitionId: ENTRA_ROLES.globalAdministrator.id, directoryScopeId: '/', roleDefinition: expect.objectContaining({ displayName: 'Global Administrator', templateId: ENTRA_ROLES.globalAdministrator.id }) }),
      expect.objectContaining({ roleDefinitionId: ENTRA_ROLES.helpdeskAdministrator.id, directoryScopeId: '/administrativeUnits/au-1' }),
    ]);
  });

  it('refuses a token without a permission the call accepts (403 Authorization_RequestDenied) only when enforcing', async () => {
    const blind = await token('blind', 's2');
    const refused = await list(strict, blind);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('Authorization_RequestDenied');
    expect((await list(lenient, blind)).status).toBe(200);
  });

  it('setDirectoryRoles replaces the principal\'s assignments and leaves others alone', async () => {
    lenient.directory.setDirectoryRoles(principal, []);
    expect((await list(lenient, await token('blind', 's2'))).body.value).toEqual([]);
    expect(lenient.directory.roleAssignments.map((a) => a.principalId)).toEqual(['someone-else']);
  });
});
