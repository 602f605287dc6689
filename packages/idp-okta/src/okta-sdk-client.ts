import { Client } from '@okta/okta-sdk-nodejs';
import { AppError } from '@keyward/core';
import type { OktaAdapterOptions } from './okta-options';
import { OktaRequestExecutor } from './okta-request-executor';

export interface OktaSdk {
  client: Client;
  executor: OktaRequestExecutor;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Builds the real @okta/okta-sdk-nodejs v8 client from typed options only.
 * The SDK's ConfigLoader merges ~/.okta/okta.yaml, ./okta.yaml and OKTA_CLIENT_* env *under* the
 * object we pass (STACK.md). So every key it knows is given explicitly, even the unused ones as ''
 * (lodash merge lets '' override, but not undefined): a stray OKTA_CLIENT_AUTHORIZATIONMODE or a
 * developer's okta.yaml can no longer switch org, token or mode. The GET cache is off
 * (`cacheMiddleware: null`): it keeps a user's status until a write to that user, so a lockout done
 * out of band would read ACTIVE. The env-derived HTTPS proxy is dropped unless `httpsProxy` is given.
 */
export function createOktaSdk(options: OktaAdapterOptions): OktaSdk {
  const orgUrl = options.orgUrl.replace(/\/+$/, '');
  const executor = new OktaRequestExecutor(`${orgUrl}/oauth2/v1/token`, options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  const auth = options.auth;
  const config = {
    orgUrl,
    authorizationMode: auth.kind === 'api_token' ? 'SSWS' : 'PrivateKey',
    token: auth.kind === 'api_token' ? auth.token : '',
    clientId: auth.kind === 'service_app' ? auth.clientId : '',
    scopes: auth.kind === 'service_app' ? auth.scopes : '',
    privateKey: auth.kind === 'service_app' ? auth.privateKey : '',
    keyId: auth.kind === 'service_app' ? (auth.keyId ?? '') : '',
    userAgent: options.userAgent ?? '',
    httpsProxy: options.httpsProxy,
    requestExecutor: executor,
    cacheMiddleware: null,
  };
  if (auth.kind === 'api_token' && !auth.token) throw new AppError('config.invalid', 'Okta API token is empty');
  if (auth.kind === 'service_app' && (!auth.clientId || !auth.privateKey || auth.scopes.length === 0)) {
    throw new AppError('config.invalid', 'Okta service app needs clientId, privateKey and at least one scope');
  }
  let client: Client;
  try {
    // The typings (V2Configuration) omit userAgent/httpsProxy and type scopes as string[], which the loader flattens anyway.
    client = new Client(config as unknown as ConstructorParameters<typeof Client>[0]);
  } catch (e) {
    throw new AppError('config.invalid', `Okta SDK refused its configuration (it also reads ~/.okta/okta.yaml and ./okta.yaml): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!options.httpsProxy) client.http.agent = undefined;
  return { client, executor };
}
