import { generateKeyPairSync } from 'node:crypto';
import { AppError } from '@keyward/core';
import type { IdentityProvider } from '@keyward/core';
import { createOktaFake, demoDirectory, DEMO_GROUP_IDS, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaIdentityProvider } from './index';

/**
 * An OAuth service app granted fewer scopes than the policy's actions need: Okta refuses the call the
 * scopes do not cover (403 E0000006, `WWW-Authenticate: … insufficient_scope`), and the adapter must
 * turn that into a clean, final "not allowed" — no retry, no partial write. The real adapter and SDK
 * against the fake, which enforces the spec's per-operation scopes for service-app tokens.
 */
describe('Okta adapter as a service app with too few scopes', () => {
  const CLIENT_ID = '0oakeywardscoped';
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  let fake: OktaFake;

  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory, oauthClientIds: [CLIENT_ID] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const serviceApp = (scopes: string[]): IdentityProvider =>
    createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'service_app', clientId: CLIENT_ID, privateKey: pem, keyId: 'kid1', scopes }, requestTimeoutMs: 2000 });

  /** "add me to design-team" for Bob, as the worker runs it: resolve the catalogue group, then add. */
  const addBobToDesignTeam = async (idp: IdentityProvider): Promise<unknown> => {
    const group = await idp.findGroupByName('design-team');
    expect(group?.id).toBe(DEMO_GROUP_IDS.designTeam);
    return idp.addGroupMember(DEMO_GROUP_IDS.designTeam, DEMO_USER_IDS.bob, { requestId: 'req-scopes-1' });
  };

  it('without okta.groups.manage, "add me to design-team" is a final idp.denied (403 E0000006) and Bob is not added', async () => {
    const idp = serviceApp(['okta.users.read', 'okta.users.manage', 'okta.roles.read', 'okta.groups.read']);
    const error = await addBobToDesignTeam(idp).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'idp.denied', retryable: false, details: { operation: 'assignUserToGroup', status: 403, errorCode: 'E0000006' } });
    expect((error as AppError).message).toBe('Okta assignUserToGroup was refused (403 E0000006)');
    expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).not.toContain(DEMO_USER_IDS.bob);
    // Refused once, not retried: the one write attempt is the 403.
    expect(fake.writes().map((w) => [w.operation, w.status])).toEqual([['assignUserToGroup', 403]]);
  });

  it('with okta.groups.manage the same request adds Bob (the scope, nothing else, made the difference)', async () => {
    const idp = serviceApp(['okta.users.read', 'okta.users.manage', 'okta.roles.read', 'okta.groups.read', 'okta.groups.manage']);
    await expect(addBobToDesignTeam(idp)).resolves.toMatchObject({ outcome: 'done' });
    expect(fake.groupMembers(DEMO_GROUP_IDS.designTeam)).toContain(DEMO_USER_IDS.bob);
  });
});
