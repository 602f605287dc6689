import { CHAT_ACTIONS } from '@keyward/core';
import { REQUESTABLE_GROUP, TEAMS_HELPDESK_CONVERSATION, startPairing, waitUntil } from './support/pairing-harness';
import type { ChatMessage, PairingHarness } from './support/pairing-harness';

/*
 * Teams approvers, black-box against `keyward start`. A bot cannot look anyone up by email across the
 * directory, only among the members of a conversation it is in (the helpdesk channel's team). With
 * Entra ID as the IdP it does not need to: the manager's IdP user id is their Entra object id, which
 * is their Teams user id, so the card goes to their personal chat wherever they sit. With Okta the
 * only bridge is the email (= the Teams UPN), so a manager outside the helpdesk team stays
 * unreachable and the request is escalated, as before. In both, Frank (everyone's manager) is NOT a
 * member of the helpdesk team: the connector fake's roster of that channel holds only the requesters.
 */

const FRANK = { key: 'frank', name: 'Frank Osei' };
const IVY = 'ivy'; // asks for design-team; Frank approves (Entra) or cannot be reached (Okta)
const OWEN = 'owen'; // asks for design-team after the app was removed for Frank (Entra)

const hasButton = (actionId: string) => (m: ChatMessage): boolean => m.buttons.some((b) => b.actionId === actionId);
const NOT_INSTALLED = 'the Keyward app is not installed for them in Teams';

/** Connector calls that read a member of the helpdesk channel (the email / UPN path). */
function helpdeskMemberReads(product: PairingHarness): string[] {
  const prefix = `/v3/conversations/${encodeURIComponent(TEAMS_HELPDESK_CONVERSATION)}/members/`;
  return (product.connector?.calls ?? []).filter((c) => c.method === 'GET' && c.path.startsWith(prefix)).map((c) => `${decodeURIComponent(c.path.slice(prefix.length))} ${c.status}`);
}

/** createConversation calls for one person, with the connector's answer. */
function conversationsCreatedFor(product: PairingHarness, chatUserId: string): number[] {
  return (product.connector?.calls ?? [])
    .filter((c) => c.method === 'POST' && c.path === '/v3/conversations' && JSON.stringify(c.body).includes(chatUserId))
    .map((c) => c.status);
}

describe('Teams + Entra ID: a manager outside the helpdesk team, black-box against `keyward start`', () => {
  let product: PairingHarness;

  beforeAll(async () => {
    product = await startPairing({ chat: 'teams', idp: 'entra' }, {
      manager: FRANK,
      people: [{ key: IVY, name: 'Ivy Tester' }, { key: OWEN, name: 'Owen Tester' }],
      helpdeskTeam: [IVY, OWEN],
    });
  }, 60_000);

  afterAll(async () => {
    await product?.dispose();
  });

  test('gets the approval card in his personal chat by Entra object id, approves → exactly one membership write', async () => {
    const ivy = product.person(IVY);
    const frank = product.person(FRANK.key);
    const sent = await product.send(IVY, `add me to ${REQUESTABLE_GROUP}`);
    await product.completeStepUp(sent);
    await product.waitForReply(sent, (m) => m.text.includes('needs approval from Frank Osei (manager)'), 'the "waiting for Frank" notice');

    const card = await waitUntil(
      () => product.directMessages(FRANK.key).find((m) => m.text.includes('Ivy Tester asks') && hasButton(CHAT_ACTIONS.approve)(m)),
      () => `Frank's approval card (Frank's chat so far: ${product.directMessages(FRANK.key).map((m) => m.text.slice(0, 150)).join(' | ')})`,
    );
    expect(card.conversationId).toBe(frank.conversationId);
    // Reached by object id: the helpdesk team (where Frank is not) was never asked about him.
    expect(helpdeskMemberReads(product)).toEqual([]);
    expect(product.idpWritesOn(IVY)).toEqual([]);

    expect(await product.click(FRANK.key, card, CHAT_ACTIONS.approve)).toBe(200);
    await product.waitForReply(sent, (m) => m.text.includes(`Done. You're now in ${REQUESTABLE_GROUP}`), 'the result for Ivy');
    const writes = product.idpWritesOn(IVY);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`POST /v1.0/groups/${product.groupId}/members/$ref`]);
    expect(writes[0]?.status).toBeLessThan(300);
    expect(product.graph?.directory.groups.get(product.groupId)?.members).toContain(ivy.idpId);
  });

  test('the app is not installed for him: the request ends visibly (requester told, helpdesk names him and why), no write', async () => {
    const frank = product.person(FRANK.key);
    product.connector?.setAppInstalled(frank.chatUserId, false);
    const before = conversationsCreatedFor(product, frank.chatUserId).length;

    const sent = await product.send(OWEN, `add me to ${REQUESTABLE_GROUP}`);
    await product.completeStepUp(sent);
    const told = await product.waitForReply(sent, (m) => m.text.includes(NOT_INSTALLED), 'the "could not ask Frank" reply');
    expect(told.text).toContain("I couldn't ask Frank Osei (manager) to approve this");
    expect(told.text).toContain("I've passed your request to the helpdesk; nothing was changed.");

    const escalation = await waitUntil(
      () => product.helpdeskTexts().find((t) => t.includes('Owen Tester') && t.includes(NOT_INSTALLED)),
      () => `the helpdesk escalation (helpdesk so far: ${product.helpdeskTexts().map((t) => t.slice(0, 200)).join(' | ')})`,
    );
    expect(escalation).toContain('Approval could not be requested from Frank Osei (manager)');
    expect(escalation).toContain(`teams:${frank.chatUserId}`);
    // One attempt, answered 403 by the connector, not retried; nothing reached Frank; nothing written.
    expect(conversationsCreatedFor(product, frank.chatUserId).slice(before)).toEqual([403]);
    expect(product.directMessages(FRANK.key).filter((m) => m.text.includes('Owen Tester asks'))).toEqual([]);
    expect(product.idpWritesOn(OWEN)).toEqual([]);
  });
});

describe('Teams + Okta: approvers are still found by email in the helpdesk team, black-box against `keyward start`', () => {
  let product: PairingHarness;

  beforeAll(async () => {
    product = await startPairing({ chat: 'teams', idp: 'okta' }, { manager: FRANK, people: [{ key: IVY, name: 'Ivy Tester' }], helpdeskTeam: [IVY] });
  }, 60_000);

  afterAll(async () => {
    await product?.dispose();
  });

  test('a manager outside the helpdesk team is unreachable: escalated to the helpdesk, no card, no write', async () => {
    const ivy = product.person(IVY);
    const sent = await product.send(IVY, `add me to ${REQUESTABLE_GROUP}`);
    await product.completeStepUp(sent);
    await product.waitForReply(sent, (m) => m.text.includes("I couldn't find who needs to approve this"), 'the "passed to the helpdesk" reply');
    await waitUntil(
      () => product.helpdeskTexts().find((t) => t.includes('the manager (frank@example.com) is not reachable in chat')),
      () => `the helpdesk escalation (helpdesk so far: ${product.helpdeskTexts().map((t) => t.slice(0, 200)).join(' | ')})`,
    );
    // The email path: the helpdesk team was asked for Frank's UPN and does not have him.
    expect(helpdeskMemberReads(product)).toEqual(['frank@example.com 404']);
    expect(product.directMessages(FRANK.key)).toEqual([]);
    expect(product.idpWritesOn(IVY)).toEqual([]);
    expect(product.okta?.groupMembers(product.groupId)).not.toContain(ivy.idpId);
  });
});
