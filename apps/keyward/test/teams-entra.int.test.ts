import { clientRequestGuid } from '@keyward/core';
import { CHAT_ACTIONS } from '@keyward/core';
import type { PostedActivity } from '@keyward/testkit';
import { HELPDESK_CONVERSATION, cardActions, cardText, startTeamsEntraProduct, waitUntil } from './support/teams-entra-harness';
import type { TeamsEntraHarness } from './support/teams-entra-harness';

/*
 * Issue #4, Teams + Entra ID black-box: one `keyward start` child process configured only through
 * the environment, Microsoft replaced by the identity-platform, Graph and Bot Connector fakes. Each
 * test uses its own person (own Entra user, own personal chat).
 */

const ERIN = 'erin'; // password reset, the whole way
const NOAH = 'noah'; // signs in without MFA evidence (F14)
const GWEN = 'gwen'; // B2B guest (#EXT#)
const LARS = 'lars'; // "I'm locked out": no cloud unlock

let product: TeamsEntraHarness;
/** The temporary password the reveal returned; later tests check it went nowhere else. */
let revealed: string | undefined;

beforeAll(async () => {
  product = await startTeamsEntraProduct({
    people: [
      { name: ERIN },
      { name: NOAH },
      // A B2B guest as Graph and Teams show one: userType Guest, UPN with #EXT#, Teams role guest.
      { name: GWEN, graph: { userType: 'Guest', userPrincipalName: 'gwen_partner.test#EXT#@contoso.onmicrosoft.com' }, teams: { userPrincipalName: 'gwen_partner.test#EXT#@contoso.onmicrosoft.com', userRole: 'guest' } },
      { name: LARS },
    ],
  });
}, 60_000);

afterAll(async () => {
  await product?.dispose();
});

const signInButton = (posted: PostedActivity): string | undefined => {
  const open = cardActions(posted).find((a) => a['type'] === 'Action.OpenUrl' && a['title'] === 'Sign in to confirm');
  return typeof open?.['url'] === 'string' ? open['url'] : undefined;
};

/** The browser: GET the authorize URL (the fake signs the configured account in), then follow the redirect to our callback. */
async function followSignInLink(link: string): Promise<{ callbackUrl: URL; status: number; page: string }> {
  const authorize = await fetch(link, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const callbackUrl = new URL(authorize.headers.get('location') as string);
  const callback = await fetch(callbackUrl, { redirect: 'manual' });
  return { callbackUrl, status: callback.status, page: await callback.text() };
}

/** The TextRun texts of an invoke response's card (where a revealed secret is shown). */
function secretRuns(body: unknown): string[] {
  const card = (body as { value?: { body?: { inlines?: { type?: string; text?: string }[] }[] } }).value;
  return (card?.body ?? []).flatMap((element) => element.inlines ?? []).filter((run) => run.type === 'TextRun').map((run) => run.text ?? '');
}

const patchesOf = (name: string) => product.graphWritesOn(name).filter((r) => r.method === 'PATCH');

describe('Teams personal chat → Entra ID (Graph) self-service, black-box against `keyward start`', () => {
  test('"I forgot my password": sign-in link → MFA sign-in → one Graph PATCH → reveal only in the invoke response', async () => {
    const erin = product.person(ERIN);
    const sent = await product.sendMessage(ERIN, 'I forgot my password');
    expect(sent.status).toBe(200);

    const prompt = await product.waitForCard(ERIN, (c) => signInButton(c) !== undefined, 'the sign-in link card');
    const link = signInButton(prompt) as string;
    const authorize = new URL(link);
    expect(authorize.origin + authorize.pathname).toBe(`${product.identity.url}/${product.tenantId}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', prompt: 'login', redirect_uri: `${product.url}/oidc/callback` });
    expect(product.graphWritesOn(ERIN)).toHaveLength(0);

    product.identity.nextSignIn = { oid: erin.objectId, amr: ['pwd', 'mfa'], preferredUsername: erin.member.userPrincipalName };
    const browsed = await followSignInLink(link);
    expect(browsed.callbackUrl.origin + browsed.callbackUrl.pathname).toBe(`${product.url}/oidc/callback`);
    expect(browsed.callbackUrl.searchParams.get('code')).toBeTruthy();
    expect(browsed.status).toBe(200);
    expect(browsed.page).toContain('Verified');

    const done = await product.waitForCard(ERIN, (c) => cardActions(c).some((a) => a['verb'] === CHAT_ACTIONS.revealSecret), 'the "Done" card with the reveal button');
    expect(cardText(done)).toMatch(/^Done\b/m);
    expect(cardText(done)).toContain('temporary password is ready');
    const reveal = cardActions(done).find((a) => a['verb'] === CHAT_ACTIONS.revealSecret) as { title: string; data: { value: string } };
    expect(reveal.title).toBe('Show my temporary password');
    const requestId = reveal.data.value;
    expect(requestId).toMatch(/^rq_/);

    // Exactly one password write, carrying the GUID of our request id as client-request-id.
    const patches = patchesOf(ERIN);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ status: 204, clientRequestId: clientRequestGuid(requestId) });
    expect(patches[0]?.url).toBe(`/v1.0/users/${erin.objectId}`);
    expect((patches[0]?.body as { passwordProfile?: { forceChangePasswordNextSignIn?: boolean } }).passwordProfile?.forceChangePasswordNextSignIn).toBe(true);
    expect(product.graphWritesOn(ERIN)).toHaveLength(1);
    const password = product.graph.directory.users.get(erin.objectId)?.passwordProfile?.password as string;
    expect(password.length).toBeGreaterThanOrEqual(12);

    const first = await product.invoke(ERIN, { verb: CHAT_ACTIONS.revealSecret, value: requestId, replyToId: done.id });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    // Shown verbatim (no Markdown escapes the user would type): exactly the password Graph received.
    expect(secretRuns(first.body)).toEqual([password]);
    revealed = password;

    // The password never travelled through the connector (no posted or updated card) nor the logs.
    for (const call of product.connector.calls) expect(JSON.stringify(call.body ?? '')).not.toContain(password);
    expect(product.output()).not.toContain(password);

    // Single use: a second click shows no secret.
    const second = await product.invoke(ERIN, { verb: CHAT_ACTIONS.revealSecret, value: requestId, replyToId: done.id });
    expect(second.status).toBe(200);
    expect(secretRuns(second.body)).toEqual([]);
    expect(JSON.stringify(second.body)).not.toContain(JSON.stringify(password).slice(1, -1));
    expect(JSON.stringify(second.body)).toMatch(/already|expired|shown once/i);
    expect(patchesOf(ERIN)).toHaveLength(1);
  });

  test('F14: a valid sign-in without MFA evidence (no amr mfa, no acrs) is not a step-up: no Graph write', async () => {
    const noah = product.person(NOAH);
    await product.sendMessage(NOAH, 'I forgot my password');
    const prompt = await product.waitForCard(NOAH, (c) => signInButton(c) !== undefined, 'the sign-in link card');
    product.identity.nextSignIn = { oid: noah.objectId, amr: ['pwd'] };
    const browsed = await followSignInLink(signInButton(prompt) as string);
    expect(browsed.status).toBe(401);
    expect(browsed.page).toContain('Multi-factor sign-in needed');
    // The token exchange happened (the token was valid); only the MFA rule refused it.
    expect(product.identity.tokenRequests.filter((t) => t.grantType === 'authorization_code').length).toBeGreaterThanOrEqual(2);

    // Well over several poll intervals (200 ms): still nothing written, no "Done" card.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(product.graphWritesOn(NOAH)).toHaveLength(0);
    expect(product.cardsFor(NOAH).some((c) => cardActions(c).some((a) => a['verb'] === CHAT_ACTIONS.revealSecret))).toBe(false);
  });

  test('a B2B guest (#EXT#) is refused before any step-up or Graph write', async () => {
    await product.sendMessage(GWEN, 'I forgot my password');
    const reply = await product.waitForCard(GWEN, (c) => /only help people from this organisation/.test(cardText(c)), 'the refusal');
    expect(signInButton(reply)).toBeUndefined();
    expect(product.cardsFor(GWEN).some((c) => signInButton(c) !== undefined)).toBe(false);
    expect(product.graphWritesOn(GWEN)).toHaveLength(0);
  });

  test('"I\'m locked out": explained as impossible in the cloud and escalated to the helpdesk channel, no Graph write', async () => {
    await product.sendMessage(LARS, "I'm locked out");
    const reply = await product.waitForCard(LARS, (c) => /no way for me to unlock/.test(cardText(c)), 'the explanation');
    expect(signInButton(reply)).toBeUndefined();
    const escalation = await waitUntil(() => product.helpdeskCards().find((c) => /account_unlock/.test(cardText(c))), () => `the helpdesk escalation card (helpdesk cards: ${product.helpdeskCards().map(cardText).join(' | ')})`);
    expect(cardText(escalation)).toContain(product.person(LARS).objectId);
    expect(escalation.conversationId).toBe(HELPDESK_CONVERSATION);
    expect(product.graphWritesOn(LARS)).toHaveLength(0);
    expect(product.cardsFor(LARS).some((c) => signInButton(c) !== undefined)).toBe(false);
  });

  test('`keyward audit verify` on the same database proves the chain', async () => {
    const result = await product.runCli(['audit', 'verify']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Number(/audit chain OK: (\d+) events verified/.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(10);
  });

  test('SIGTERM stops the product with exit code 0; neither the client secret nor the temporary password reached its logs', async () => {
    const exit = await product.stop();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    const output = product.output();
    for (const secret of product.secrets) expect(output).not.toContain(secret);
    expect(revealed).toBeDefined();
    expect(output).not.toContain(revealed as string);
  });
});
