import type { FakeIdpApp, FakeIdpUser, TestCoreDeps } from '../testing';
import { createFakeIdentityProvider, createFakePolicyEngine, createTestCoreDeps } from '../testing';
import { send, stateOf } from '../testing/core-scenario';

/**
 * Invariant 2 for apps: the catalogue name must match exactly one IdP app label as written
 * (trimmed, NFC, case-insensitive). A look-alike label ("Fіgma", Cyrillic і) or a duplicate differing
 * in case ("salesforce") is never picked: the request is escalated, naming the ambiguity.
 */
const ALICE = { chat: 'U_ALICE', idp: '00u_alice', email: 'alice@example.com' };
const alice: FakeIdpUser = { id: ALICE.idp, login: ALICE.email, email: ALICE.email, displayName: 'Alice', status: 'ACTIVE', attributes: {} };
const policy = (): ReturnType<typeof createFakePolicyEngine> => createFakePolicyEngine({ catalogue: { groups: [], apps: [{ name: 'Figma' }, { name: 'Salesforce' }] } });

describe('processRequest: an ambiguous app is escalated, never assigned', () => {
  function scenario(apps: FakeIdpApp[]): TestCoreDeps {
    return createTestCoreDeps({
      idp: createFakeIdentityProvider([alice], { apps }),
      policy: policy(),
      chatUsers: { [ALICE.chat]: { email: ALICE.email, displayName: 'Alice' } },
      classifications: { 'I need Figma': { intent: 'app_access_request', slots: { app: 'Figma' } } },
    });
  }

  it('a look-alike listed first: plain sentence to the requester, the helpdesk gets the candidates, no push, no write', async () => {
    const deps = scenario([{ id: '0oa_fake', name: 'F\u0456gma' }, { id: '0oa_figma', name: 'Figma' }]);
    const id = await send(deps, ALICE.chat, 'I need Figma');
    expect(await stateOf(deps, id)).toBe('escalated');
    expect(deps.stepUp.started()).toHaveLength(0);
    expect(deps.idp.calls().map((c) => c.op)).not.toContain('assignApp');
    expect(deps.chat.posts().at(-1)?.message.text).toMatch(/couldn't tell which Figma app/);
    const escalation = deps.chat.escalations().at(-1);
    expect(escalation?.reason).toMatch(/Ambiguous app: 2 IdP apps match catalogue app "Figma"/);
    expect(escalation?.reason).toContain('0oa_fake');
  });
});
