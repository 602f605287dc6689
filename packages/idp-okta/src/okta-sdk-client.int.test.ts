import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@keyward/core';
import { createOktaFake, demoDirectory, DEMO_USER_IDS } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';
import { createOktaIdentityProvider } from './index';

describe('Okta SDK client construction', () => {
  let fake: OktaFake;
  beforeEach(async () => {
    fake = await createOktaFake({ seed: demoDirectory, oauthClientIds: ['0oaservice'] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('ignores OKTA_CLIENT_* env, ./okta.yaml and ~/.okta/okta.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-yaml-'));
    const yaml = 'okta:\n  client:\n    orgUrl: "http://127.0.0.1:9"\n    token: "from-yaml"\n    authorizationMode: "PrivateKey"\n    clientId: "yaml-client"\n';
    writeFileSync(join(dir, 'okta.yaml'), yaml);
    mkdirSync(join(dir, '.okta'));
    writeFileSync(join(dir, '.okta', 'okta.yaml'), yaml);
    const saved = { cwd: process.cwd(), env: { ...process.env } };
    try {
      process.chdir(dir);
      process.env.HOME = dir;
      process.env.OKTA_CLIENT_ORGURL = 'http://127.0.0.1:9';
      process.env.OKTA_CLIENT_TOKEN = 'from-env';
      process.env.OKTA_CLIENT_AUTHORIZATIONMODE = 'PrivateKey';
      process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
      const idp = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'api_token', token: fake.apiToken } });
      await expect(idp.getUser(DEMO_USER_IDS.alice)).resolves.toMatchObject({ id: DEMO_USER_IDS.alice });
    } finally {
      process.chdir(saved.cwd);
      process.env = saved.env;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('authenticates as an OAuth service app with a private key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const idp = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'service_app', clientId: '0oaservice', privateKey: pem, keyId: 'kid1', scopes: ['okta.users.read'] } });
    await expect(idp.getUser(DEMO_USER_IDS.alice)).resolves.toMatchObject({ id: DEMO_USER_IDS.alice });
    expect(fake.requests().map((r) => r.operation)).toEqual(['token', 'getUser']);
  });

  it('surfaces a refused token request as idp.denied instead of calling with Bearer undefined', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const idp = createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'service_app', clientId: '0oaunknown', privateKey: pem, scopes: ['okta.users.read'] } });
    const err = await idp.getUser(DEMO_USER_IDS.alice).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'idp.denied', retryable: false });
    expect((err as AppError).message).toContain('invalid_client');
    expect(fake.requests().filter((r) => r.operation !== 'token')).toEqual([]);
  });

  it('rejects empty credentials at construction', () => {
    expect(() => createOktaIdentityProvider({ orgUrl: fake.url, auth: { kind: 'api_token', token: '' } })).toThrow(AppError);
  });
});
