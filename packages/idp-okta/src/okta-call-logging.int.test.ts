import { createRecordingLogger } from '@keyward/core/testing';
import { createOktaFake, demoDirectory, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaIdentityProvider } from './index';

/*
 * Answers the adapter handles as a normal outcome are not failures in the log: an operator reading
 * WARN lines must see real problems, not "unlocking someone who wasn't locked" or an app pre-check.
 */
describe('Okta call logging', () => {
  let fake: OktaFake;

  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('an unlock of a user who is not locked (E0000032) is debug, not a warning; a real refusal still warns', async () => {
    const logger = createRecordingLogger();
    const idp = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'api_token', token: fake.apiToken }, logger });
    expect((await idp.unlock(DEMO_USER_IDS.alice, { requestId: 'req-log-1' })).outcome).toBe('already_done');
    expect(logger.entries().filter((e) => e.level === 'warn')).toEqual([]);
    expect(logger.entries().some((e) => e.level === 'debug' && e.msg === 'okta call answered as expected')).toBe(true);

    await expect(idp.unlock('00u_nobody_here', { requestId: 'req-log-2' })).rejects.toMatchObject({ code: 'idp.not_found' });
    expect(logger.entries().filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual(['okta call failed']);
  });
});
