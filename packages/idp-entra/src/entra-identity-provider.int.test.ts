import { clientRequestGuid } from '@keyward/core';
import { AppError } from '@keyward/core';
import type { IdentityProvider } from '@keyward/core';
import { ENTRA_ROLES, createEntraIdentityFake, createGraphFake } from '@keyward/testkit';
import type { EntraIdentityFake, GraphFake } from '@keyward/testkit';
import { createEntraIdentityProvider } from './entra-identity-provider';

/** The real Graph client and msal-node against the testkit's Graph and identity-platform fakes. */
describe('Entra identity provider (real Graph client + msal-node against HTTP fakes)', () => {
  let identity: EntraIdentityFake;
  let graph: GraphFake;
  let idp: IdentityProvider;
  let alice: string;
  let manager: string;
  let admin: string;
  let guest: string;
  let design: string;
  let figma: string;

  beforeEach(async () => {
    identity = await createEntraIdentityFake();
    graph = await createGraphFake({ isAccessToken: identity.isAccessToken, pageSize: 2 });
    const d = graph.directory;
    manager = d.addUser({ displayName: 'Mallory Manager', userPrincipalName: 'mallory@corp.example', mail: 'mallory@corp.example' });
    alice = d.addUser({ displayName: 'Alice Example', userPrincipalName: 'alice@corp.example', mail: 'Alice@corp.example', managerId: manager, department: 'Design', methods: ['microsoftAuthenticatorAuthenticationMethod', 'phoneAuthenticationMethod'] });
    admin = d.addUser({ displayName: "Carol O'Admin", userPrincipalName: 'carol@corp.example', mail: "carol.o'admin@corp.example", protectedFromHelpdesk: true });
    guest = d.addUser({ displayName: 'Gus Guest', userPrincipalName: 'gus_partner.com#EXT#@corp.onmicrosoft.com', mail: 'gus@partner.com', userType: 'Guest' });
    d.assignRole(admin, ENTRA_ROLES.globalAdministrator);
    // Alice is in five groups: three pages at pageSize 2 (F07), one nested, one role-assignable.
    for (const name of ['g1', 'g2', 'g3']) d.addGroup({ displayName: name, members: [alice] });
    design = d.addGroup({ displayName: 'design-team', members: [] });
    const parent = d.addGroup({ displayName: 'all-staff' });
    const nested = d.addGroup({ displayName: 'nested-child', members: [alice] });
    d.groups.get(parent)?.members.push(nested);
    const pim = d.addGroup({ displayName: 'Tier0 Operators', isAssignableToRole: true, members: [] });
    d.assignRole(pim, ENTRA_ROLES.privilegedRoleAdministrator);
    figma = d.addApp({ displayName: 'Figma' });
    d.addApp({ displayName: 'Graph Explorer internal', integrated: false });
    d.addApp({ displayName: 'Disabled app', accountEnabled: false });
    idp = createEntraIdentityProvider({ tenantId: identity.tenantId, clientId: 'keyward-app', credential: { kind: 'secret', clientSecret: 'keyward-secret' }, authorityHost: identity.url, graphUrl: graph.url });
  });

  afterEach(async () => {
    await graph.close();
    await identity.close();
  });

  it('gets an app-only token with client credentials (msal-node) and sends client-request-id = the GUID of our request id on every call', async () => {
    await idp.resetPassword(alice, { revokeSessions: true, requestId: 'rq_abc123' });
    expect(identity.tokenRequests.filter((t) => t.grantType === 'client_credentials')).toHaveLength(1);
    const writes = graph.requests.filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const write of writes) expect(write.clientRequestId).toBe(clientRequestGuid('rq_abc123'));
  });

  it('finds users by mail or UPN (case-insensitive, OData quotes escaped) and a guest by encoded UPN (F11)', async () => {
    expect((await idp.findUsersByEmail('alice@corp.example')).map((u) => u.id)).toEqual([alice]);
    expect((await idp.findUsersByEmail("carol.o'admin@corp.example")).map((u) => u.id)).toEqual([admin]);
    expect(await idp.findUsersByEmail("x' or userPrincipalName eq 'alice@corp.example")).toEqual([]);
    const byUpn = await idp.findUsersByEmail('gus_partner.com#EXT#@corp.onmicrosoft.com');
    expect(byUpn.map((u) => u.id)).toEqual([guest]);
    expect(byUpn[0]?.attributes.userType).toBe('Guest');
    // A guest's #EXT# UPN is an alias, never an address to reach them at.
    graph.directory.users.get(guest)!.mail = null;
    expect((await idp.getUser(guest)).email).toBeUndefined();
    const fetched = await idp.getUser('gus_partner.com#EXT#@corp.onmicrosoft.com');
    expect(fetched.id).toBe(guest);
    // The '#' reached Graph percent-encoded: never a request for the truncated prefix.
    expect(graph.requests.every((r) => !r.url.includes('#'))).toBe(true);
  });

  it('maps a user: login = UPN, email = mail, blocked sign-in = SUSPENDED', async () => {
    graph.directory.users.get(alice)!.accountEnabled = false;
    const user = await idp.getUser(alice);
    expect(user).toMatchObject({ id: alice, login: 'alice@corp.example', email: 'Alice@corp.example', displayName: 'Alice Example', status: 'SUSPENDED', attributes: { department: 'Design', userType: 'Member' } });
    await expect(idp.getUser('00000000-0000-0000-0000-00000000dead')).rejects.toMatchObject({ code: 'idp.not_found' });
  });

  it('reads admin roles from role assignments, and a role-assignable group counts as privileged', async () => {
    expect(await idp.listAdminRoles(admin)).toEqual(['Global Administrator']);
    expect(await idp.listAdminRoles(alice)).toEqual([]);
    const tier0 = [...graph.directory.groups.values()].find((g) => g.displayName === 'Tier0 Operators')!;
    tier0.members.push(alice);
    expect(await idp.listAdminRoles(alice)).toEqual(['RoleAssignableGroup:Tier0 Operators']);
  });

  it('lists every group over all pages, transitively (F07)', async () => {
    const names = (await idp.listGroups(alice)).map((g) => g.name).sort();
    expect(names).toEqual(['all-staff', 'g1', 'g2', 'g3', 'nested-child']);
    expect(graph.requests.filter((r) => r.url.includes('transitiveMemberOf')).length).toBe(3);
  });

  it('reads the manager (none → undefined) and the risk level (404 → none, 403 → unknown, 429 throws)', async () => {
    expect((await idp.getManager(alice))?.id).toBe(manager);
    expect(await idp.getManager(manager)).toBeUndefined();
    // A manager without a mailbox (mail null) is still reachable: the email-shaped UPN is his email.
    graph.directory.users.get(manager)!.mail = null;
    expect((await idp.getManager(alice))?.email).toBe('mallory@corp.example');
    expect(await idp.getUserRisk(alice)).toBe('none');
    graph.directory.users.get(alice)!.riskLevel = 'medium';
    expect(await idp.getUserRisk(alice)).toBe('medium');
    graph.fail({ path: /^\/identityProtection\/riskyUsers/, status: 403, code: 'Authorization_RequestDenied' });
    expect(await idp.getUserRisk(alice)).toBe('unknown');
    graph.fail({ path: /^\/identityProtection\/riskyUsers/, status: 429, code: 'TooManyRequests', retryAfter: 7 });
    await expect(idp.getUserRisk(alice)).rejects.toMatchObject({ code: 'idp.rate_limited', retryAfterMs: 7000 });
  });

  it('finds a group by exact name and lists enabled enterprise apps only', async () => {
    expect(await idp.findGroupByName('design-team')).toEqual({ id: design, name: 'design-team' });
    expect(await idp.findGroupByName('Design-Team')).toBeUndefined();
    expect(await idp.findGroupByName('nope')).toBeUndefined();
    expect((await idp.listApps()).map((a) => a.name)).toEqual(['Figma']);
  });

  it('resets the password to a generated temporary password with change at next sign-in, and revokes sessions when asked (F13)', async () => {
    const reset = await idp.resetPassword(alice, { revokeSessions: false, requestId: 'rq_1' });
    const user = graph.directory.users.get(alice)!;
    expect(reset.secret.kind).toBe('temporary_password');
    expect(user.passwordProfile).toEqual({ password: reset.secret.value, forceChangePasswordNextSignIn: true });
    expect(reset.secret.value).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{16}$/);
    expect(reset.idpRequestId).toBe(graph.requests.find((r) => r.method === 'PATCH')?.requestId);
    expect(user.sessionsRevokedAt).toBeUndefined();
    await idp.resetPassword(alice, { revokeSessions: true, requestId: 'rq_2' });
    expect(user.sessionsRevokedAt).toBeDefined();
  });

  it('marks a throttled session revoke after the password was set as partly applied (the password is never set twice by a retry)', async () => {
    graph.fail({ method: 'POST', path: /revokeSignInSessions$/, status: 429, code: 'TooManyRequests', retryAfter: 5 });
    const error = await idp.resetPassword(alice, { revokeSessions: true, requestId: 'rq_partial' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'idp.rate_limited', retryable: true, details: { status: 429, partlyApplied: 'the temporary password was set' } });
    expect(graph.directory.users.get(alice)?.passwordProfile).toBeDefined();
    // Unthrottled, the revoke alone is not marked.
    graph.fail({ method: 'POST', path: /revokeSignInSessions$/, status: 429, code: 'TooManyRequests', retryAfter: 5 });
    const plain = await idp.clearSessions(alice, { requestId: 'rq_plain' }).catch((e: unknown) => e);
    expect((plain as AppError).details?.partlyApplied).toBeUndefined();
  });

  it('turns Authorization_RequestDenied on a privileged target into a non-retryable idp.denied (F10)', async () => {
    const error = await idp.resetPassword(admin, { revokeSessions: false, requestId: 'rq_3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'idp.denied', retryable: false, details: { graphCode: 'Authorization_RequestDenied', status: 403 } });
    expect(graph.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('honours 429/503 Retry-After by handing the wait to the queue (no in-process retry)', async () => {
    graph.fail({ method: 'PATCH', path: /^\/users\//, status: 429, code: 'TooManyRequests', retryAfter: 30 });
    await expect(idp.resetPassword(alice, { revokeSessions: false, requestId: 'rq_4' })).rejects.toMatchObject({ code: 'idp.rate_limited', retryable: true, retryAfterMs: 30_000 });
    expect(graph.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    graph.fail({ method: 'POST', path: /revokeSignInSessions$/, status: 503, code: 'ServiceUnavailable', retryAfter: 5 });
    await expect(idp.clearSessions(alice, { requestId: 'rq_5' })).rejects.toMatchObject({ code: 'idp.rate_limited', retryAfterMs: 5000 });
  });

  it('cannot unlock in the cloud: idp.unsupported, declared up front', async () => {
    expect(idp.unsupportedActions).toContain('account_unlock');
    await expect(idp.unlock(alice, { requestId: 'rq_6' })).rejects.toMatchObject({ code: 'idp.unsupported', retryable: false });
  });

  it('signs out everywhere and, on a suspected compromise, confirms the compromise to Identity Protection', async () => {
    const done = await idp.clearSessions(alice, { requestId: 'rq_7' });
    expect(done.outcome).toBe('done');
    expect(graph.directory.confirmedCompromised).toEqual([]);
    await idp.clearSessions(alice, { requestId: 'rq_8', compromiseSuspected: true });
    expect(graph.directory.confirmedCompromised).toEqual([alice]);
    // Without P2 / permission the sign-out still counts.
    graph.fail({ path: /confirmCompromised$/, status: 403, code: 'Authorization_RequestDenied' });
    await expect(idp.clearSessions(alice, { requestId: 'rq_9', compromiseSuspected: true })).resolves.toMatchObject({ outcome: 'done' });
  });

  it('adds a member with members/$ref; "already exist" 400 is already_done (F09)', async () => {
    expect((await idp.addGroupMember(design, alice, { requestId: 'rq_10' })).outcome).toBe('done');
    expect(graph.directory.groups.get(design)?.members).toEqual([alice]);
    const again = await idp.addGroupMember(design, alice, { requestId: 'rq_11' });
    expect(again.outcome).toBe('already_done');
    expect(again.idpRequestId).toBe(graph.requests[graph.requests.length - 1]?.requestId);
  });

  it('removes a member ALWAYS through /$ref (never the object); not a member → already_done', async () => {
    await idp.addGroupMember(design, alice, { requestId: 'rq_12' });
    expect((await idp.removeGroupMember(design, alice, { requestId: 'rq_13' })).outcome).toBe('done');
    expect((await idp.removeGroupMember(design, alice, { requestId: 'rq_14' })).outcome).toBe('already_done');
    const deletes = graph.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.length).toBe(2);
    for (const d of deletes) expect(d.url).toMatch(/\/members\/[0-9a-f-]+\/\$ref$/);
    expect(graph.dangerousDeletes).toEqual([]);
    expect(graph.directory.users.has(alice)).toBe(true);
  });

  it('treats a 404 on a write for an existing user as replication lag (retryable), and a missing user as not found (F12)', async () => {
    graph.lagWritesFor(alice, 1);
    await expect(idp.addGroupMember(design, alice, { requestId: 'rq_15' })).rejects.toMatchObject({ code: 'idp.unavailable', retryable: true, details: { reason: 'replication_lag' } });
    await expect(idp.addGroupMember(design, alice, { requestId: 'rq_15' })).resolves.toMatchObject({ outcome: 'done' });
    await expect(idp.addGroupMember(design, '00000000-0000-0000-0000-00000000dead', { requestId: 'rq_16' })).rejects.toMatchObject({ code: 'idp.not_found' });
  });

  it('assigns an app through appRoleAssignedTo (default access role), idempotently, and unassigns it', async () => {
    expect((await idp.assignApp(figma, alice, { requestId: 'rq_17' })).outcome).toBe('done');
    expect(graph.directory.apps.get(figma)?.assignments.map((a) => [a.principalId, a.appRoleId])).toEqual([[alice, '00000000-0000-0000-0000-000000000000']]);
    expect((await idp.assignApp(figma, alice, { requestId: 'rq_18' })).outcome).toBe('already_done');
    expect((await idp.unassignApp(figma, alice, { requestId: 'rq_19' })).outcome).toBe('done');
    expect(graph.directory.apps.get(figma)?.assignments).toEqual([]);
    expect((await idp.unassignApp(figma, alice, { requestId: 'rq_20' })).outcome).toBe('already_done');
  });

  it("uses the app's single user role when it defines one", async () => {
    const app = graph.directory.addApp({ displayName: 'Jira', appRoles: [{ id: '6d1c7f59-0000-4000-8000-000000000001', value: 'User', allowedMemberTypes: ['User'] }, { id: '6d1c7f59-0000-4000-8000-000000000002', value: 'Daemon', allowedMemberTypes: ['Application'] }] });
    await idp.assignApp(app, alice, { requestId: 'rq_21' });
    expect(graph.directory.apps.get(app)?.assignments[0]?.appRoleId).toBe('6d1c7f59-0000-4000-8000-000000000001');
  });

  it('resets MFA: deletes every method but the password and returns a one-time Temporary Access Pass', async () => {
    const reset = await idp.resetFactors(alice, { requestId: 'rq_22' });
    const user = graph.directory.users.get(alice)!;
    expect(reset.secret).toEqual({ kind: 'temporary_access_pass', value: user.tap?.temporaryAccessPass });
    expect(user.tap?.isUsableOnce).toBe(true);
    expect(user.methods.map((m) => m.type).sort()).toEqual(['passwordAuthenticationMethod', 'temporaryAccessPassAuthenticationMethod']);
    // A retry (F15) supersedes the first pass instead of failing on "already exists".
    const again = await idp.resetFactors(alice, { requestId: 'rq_22' });
    expect(again.secret?.value).toBe(graph.directory.users.get(alice)?.tap?.temporaryAccessPass);
    expect(again.secret?.value).not.toBe(reset.secret?.value);
  });

  it('reports a wrong client secret as a non-retryable idp.denied', async () => {
    const bad = createEntraIdentityProvider({ tenantId: identity.tenantId, clientId: 'keyward-app', credential: { kind: 'secret', clientSecret: 'wrong' }, authorityHost: identity.url, graphUrl: graph.url });
    await expect(bad.getUser(alice)).rejects.toMatchObject({ code: 'idp.denied', retryable: false });
  });
});
