import { createBotConnectorFake } from './bot-connector-fake';
import type { BotConnectorFake } from './bot-connector-fake';

const TENANT = 't-1';
const member = { id: '29:a', aadObjectId: 'aaaaaaaa-1111-4111-8111-111111111111', name: 'A', userPrincipalName: 'a@contoso.test', tenantId: TENANT };

describe('Bot Connector fake', () => {
  let fake: BotConnectorFake;
  beforeEach(async () => {
    fake = await createBotConnectorFake();
    fake.addMember(member);
  });
  afterEach(async () => fake.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, fake.url), { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('creates the same personal conversation for a member every time, and 404s for unknown users', async () => {
    const first = await call('POST', '/v3/conversations', { members: [{ id: member.aadObjectId }], tenantId: TENANT });
    const second = await call('POST', '/v3/conversations', { members: [{ id: member.aadObjectId }], tenantId: TENANT });
    expect(first.body['id']).toBe(fake.personalConversationId(member.aadObjectId));
    expect(second.body['id']).toBe(first.body['id']);
    expect((await call('POST', '/v3/conversations', { members: [{ id: 'nobody' }] })).status).toBe(404);
  });

  it('sends, updates and records activities; a removed conversation answers 403 / 404 with the connector codes', async () => {
    const sent = await call('POST', '/v3/conversations/c1/activities', { type: 'message', text: 'v1' });
    await call('PUT', `/v3/conversations/c1/activities/${encodeURIComponent(String(sent.body['id']))}`, { type: 'message', text: 'v2' });
    expect(fake.activities('c1')[0]).toMatchObject({ activity: { text: 'v2' }, history: [{ text: 'v1' }] });
    fake.removeConversation('c1', 403);
    fake.removeConversation('c2', 404);
    expect(await call('POST', '/v3/conversations/c1/activities', { type: 'message' })).toMatchObject({ status: 403, body: { error: { code: 'BotNotInConversationRoster' } } });
    expect(await call('POST', '/v3/conversations/c2/activities', { type: 'message' })).toMatchObject({ status: 404, body: { error: { code: 'ConversationNotFound' } } });
  });

  it('with a declared roster, reads only the members of that team conversation; other conversations stay open to everyone', async () => {
    const other = { ...member, id: '29:b', aadObjectId: 'bbbbbbbb-2222-4222-8222-222222222222', userPrincipalName: 'b@contoso.test' };
    fake.addMember(other);
    fake.setConversationMembers('19:team@thread.tacv2', [member.aadObjectId.toUpperCase()]);
    expect((await call('GET', '/v3/conversations/19%3Ateam%40thread.tacv2/members/a%40contoso.test')).body).toMatchObject({ aadObjectId: member.aadObjectId });
    expect(await call('GET', '/v3/conversations/19%3Ateam%40thread.tacv2/members/b%40contoso.test')).toMatchObject({ status: 404, body: { error: { code: 'MemberNotFoundInConversation' } } });
    expect(await call('GET', `/v3/conversations/19%3Ateam%40thread.tacv2/members/${other.aadObjectId}`)).toMatchObject({ status: 404 });
    expect((await call('GET', '/v3/conversations/c1/members/b%40contoso.test')).body).toMatchObject({ aadObjectId: other.aadObjectId });
  });

  it('answers 403 BotNotInConversationRoster on create conversation (and in the personal chat) for a member the app is not installed for', async () => {
    fake.setAppInstalled(member.aadObjectId, false);
    expect(await call('POST', '/v3/conversations', { members: [{ id: member.aadObjectId }], tenantId: TENANT })).toMatchObject({ status: 403, body: { error: { code: 'BotNotInConversationRoster' } } });
    const personal = encodeURIComponent(fake.personalConversationId(member.aadObjectId));
    expect((await call('POST', `/v3/conversations/${personal}/activities`, { type: 'message' })).status).toBe(403);
    fake.setAppInstalled(member.aadObjectId, true);
    expect((await call('POST', '/v3/conversations', { members: [{ id: member.aadObjectId }], tenantId: TENANT })).status).toBe(201);
  });

  it('reads a member by Entra object id or UPN', async () => {
    expect((await call('GET', `/v3/conversations/c1/members/${member.aadObjectId}`)).body).toMatchObject({ aadObjectId: member.aadObjectId, userRole: 'user' });
    expect((await call('GET', '/v3/conversations/c1/members/A%40contoso.test')).body).toMatchObject({ id: '29:a' });
    expect((await call('GET', '/v3/conversations/c1/members/x%40contoso.test')).status).toBe(404);
  });
});
