import type { Clock, Logger } from '@keyward/core';

/** How the adapter authenticates to the Okta Management API. */
export type OktaAuth =
  /** API token (`Authorization: SSWS …`). Inherits its creator's full admin rights: prefer a service app. */
  | { kind: 'api_token'; token: string }
  /** OAuth 2.0 service app (client_credentials + private_key_jwt), scoped, e.g. okta.users.manage. */
  | { kind: 'service_app'; clientId: string; privateKey: string | Record<string, unknown>; keyId?: string; scopes: string[] };

export interface OktaAdapterOptions {
  /** `https://example.okta.com` (or the local fake's `http://127.0.0.1:port`). */
  orgUrl: string;
  auth: OktaAuth;
  logger?: Logger;
  /** Prepended to the SDK's User-Agent; also sent as the push challenge's User-Agent. */
  userAgent?: string;
  /** Per-request timeout; a hung Okta call becomes `idp.unavailable` (retryable). Default 15 s. */
  requestTimeoutMs?: number;
  /** Explicit HTTPS proxy. The SDK would otherwise pick up HTTPS_PROXY from the environment. */
  httpsProxy?: string;
  clock?: Clock;
}
