import { createOktaFake } from './okta-fake-server';
import type { OktaFake } from './okta-fake-server';
import { demoDirectory, DEMO_USER_IDS } from './demo-directory';

/** The /__control HTTP API another process (the console's simulated phone) uses to drive the fake. */
describe('Okta fake control API', () => {
  let fake: OktaFake;
  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory, controlToken: 'ctl' });
  });
  afterEach(async () => {
    await fake.close();
  });

  const control = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${fake.url}/__control${path}`, {
      method,
      headers: { 'X-Control-Token': 'ctl', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const api = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${fake.url}${path}`, { method, headers: { Authorization: `SSWS ${fake.apiToken}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('lists a pending push with its number and approves it with the tapped number', async () => {
    const verify = (await (await api('POST', `/api/v1/users/${DEMO_USER_IDS.alice}/factors/opfdemoalice00000000/verify`, { useNumberMatchingChallenge: true })).json()) as {
      _links: { poll: { href: string } };
    };
    const pending = (await control('GET', `/users/${encodeURIComponent('alice.walker@example.com')}/pushes`)).body as Array<{ transactionId: string; correctAnswer: number; choices: number[]; createdAt: string }>;
    expect(pending).toHaveLength(1);
    expect(pending[0]?.choices).toHaveLength(3);
    expect(pending[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const tx = pending[0]?.transactionId as string;
    expect(await control('POST', `/pushes/${tx}/approve`, { number: pending[0]?.correctAnswer })).toEqual({ status: 200, body: { factorResult: 'SUCCESS' } });
    const poll = (await (await api('GET', verify._links.poll.href.slice(fake.url.length))).json()) as { factorResult: string };
    expect(poll.factorResult).toBe('SUCCESS');
    expect((await control('GET', '/pushes')).body).toEqual([]);
  });

  it('refuses control calls without the token or without a JSON content type (no cross-site driving)', async () => {
    expect((await control('GET', '/pushes', undefined, { 'X-Control-Token': 'wrong' })).status).toBe(401);
    const res = await fetch(`${fake.url}/__control/users/${DEMO_USER_IDS.alice}/lock`, { method: 'POST', headers: { 'X-Control-Token': 'ctl', 'Content-Type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(fake.user(DEMO_USER_IDS.alice)?.status).toBe('ACTIVE');
  });

  it('locks a user out and injects faults over HTTP', async () => {
    expect((await control('POST', `/users/${DEMO_USER_IDS.alice}/lock`, {})).body).toMatchObject({ status: 'LOCKED_OUT' });
    expect((await control('POST', '/faults', { operation: 'getUser', kind: 'server_error', times: 2 })).status).toBe(200);
    expect((await api('GET', `/api/v1/users/${DEMO_USER_IDS.alice}`)).status).toBe(500);
    expect((await api('GET', `/api/v1/users/${DEMO_USER_IDS.alice}`)).status).toBe(500);
    expect((await api('GET', `/api/v1/users/${DEMO_USER_IDS.alice}`)).status).toBe(200);
    expect((await control('POST', '/faults', { operation: 'getUser', kind: 'explode' })).status).toBe(400);
  });

  it('makes a profile attribute user-editable (or the schema unreadable) over HTTP, refusing an unknown permission', async () => {
    const managerId = async (): Promise<unknown> => {
      const schema = (await (await api('GET', '/api/v1/meta/schemas/user/default')).json()) as { definitions: { base: { properties: Record<string, { permissions: unknown }> } } };
      return schema.definitions.base.properties.managerId?.permissions;
    };
    expect(await managerId()).toEqual([{ principal: 'SELF', action: 'READ_ONLY' }]);
    expect((await control('POST', '/seed', { userSchema: { selfPermissions: { managerId: 'READ_WRITE' } } })).status).toBe(200);
    expect(await managerId()).toEqual([{ principal: 'SELF', action: 'READ_WRITE' }]);
    expect((await control('POST', '/seed', { userSchema: { selfPermissions: { managerId: 'EDIT' } } })).status).toBe(400);
    expect(await managerId()).toEqual([{ principal: 'SELF', action: 'READ_WRITE' }]);
    expect((await control('POST', '/seed', { userSchema: { readable: false } })).status).toBe(200);
    expect((await api('GET', '/api/v1/meta/schemas/user/default')).status).toBe(403);
  });

  it('logs every request with method, path, status and request id', async () => {
    const res = await api('DELETE', `/api/v1/users/${DEMO_USER_IDS.alice}/sessions`);
    const log = (await control('GET', '/requests')).body as Array<{ method: string; path: string; status: number; operation: string; requestId: string }>;
    expect(log[0]).toMatchObject({ method: 'DELETE', path: `/api/v1/users/${DEMO_USER_IDS.alice}/sessions`, status: 204, operation: 'revokeUserSessions', requestId: res.headers.get('x-okta-request-id') });
    expect(fake.writes()).toHaveLength(1);
  });

  it('answers a real 429 once the per-operation window is used up', async () => {
    const tight = await createOktaFake({ seed: demoDirectory, rateLimit: { limit: 2, windowSeconds: 60 } });
    try {
      const get = (): Promise<Response> => fetch(`${tight.url}/api/v1/users/${DEMO_USER_IDS.alice}`, { headers: { Authorization: `SSWS ${tight.apiToken}` } });
      expect((await get()).headers.get('x-rate-limit-remaining')).toBe('1');
      expect((await get()).status).toBe(200);
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    } finally {
      await tight.close();
    }
  });
});
