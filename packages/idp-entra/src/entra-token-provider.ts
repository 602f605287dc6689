import { X509Certificate, createPrivateKey } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration, INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { AppError } from '@keyward/core';
import type { EntraAdapterOptions } from './entra-options';
import { DEFAULT_AUTHORITY_HOST } from './entra-options';

/** Graph app-only tokens: the `.default` scope grants exactly the application permissions consented. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface TokenProvider {
  getToken(): Promise<string>;
}

/**
 * MSAL refuses any authority that is not https (msal-common `authorityUriInsecure`). A loopback
 * `http://127.0.0.1:N` authority host (the local fake in tests) is therefore given to MSAL as
 * `https://127.0.0.1:N` and this network module sends those requests over plain http (and shows the
 * fake's http origin in responses to MSAL as https). Only loopback
 * hosts get the rewrite; every other URL goes out unchanged, over https.
 */
export function loopbackNetworkClient(insecureOrigin: string | undefined, timeoutMs: number): INetworkModule {
  const rewrite = (url: string): string => {
    if (!insecureOrigin) return url;
    const secure = insecureOrigin.replace(/^http:/, 'https:');
    return url.startsWith(secure) ? insecureOrigin + url.slice(secure.length) : url;
  };
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetch(rewrite(url), { method, headers: options?.headers, body: options?.body, signal: AbortSignal.timeout(timeoutMs) });
    // Symmetric rewrite: MSAL validates that the discovery document's issuer matches its (https)
    // authority, so the loopback origin in response bodies is shown to MSAL as https too.
    const raw = await response.text();
    const text = insecureOrigin ? raw.split(insecureOrigin).join(insecureOrigin.replace(/^http:/, 'https:')) : raw;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** Client-credential tokens for Graph through msal-node (cached in memory until shortly before expiry). */
export function createTokenProvider(options: EntraAdapterOptions): TokenProvider {
  const host = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const insecure = LOOPBACK.test(host) ? host : undefined;
  if (!insecure && !host.startsWith('https://')) throw new AppError('config.invalid', 'AZURE_AUTHORITY_HOST must be https (plain http only for a loopback test fake)');
  const authorityHost = insecure ? insecure.replace(/^http:/, 'https:') : host;
  const auth: Configuration['auth'] = {
    clientId: options.clientId,
    authority: `${authorityHost}/${options.tenantId}`,
    // A custom host is not in MSAL's instance-discovery list; naming it skips that lookup.
    ...(host === DEFAULT_AUTHORITY_HOST ? {} : { knownAuthorities: [new URL(authorityHost).host] }),
  };
  if (options.credential.kind === 'secret') {
    auth.clientSecret = options.credential.clientSecret;
  } else {
    const pem = options.credential.pem;
    const certMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
    if (!certMatch) throw new AppError('config.invalid', 'AZURE_CLIENT_CERTIFICATE_PATH must hold the certificate and its private key (PEM)');
    const certificate = new X509Certificate(certMatch[0]);
    // MSAL wants the PKCS#8 private key and the certificate's SHA-256 thumbprint (x5t#S256 header).
    const privateKey = createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString();
    auth.clientCertificate = { thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''), privateKey, x5c: certMatch[0] };
  }
  const app = new ConfidentialClientApplication({ auth, system: { networkClient: loopbackNetworkClient(insecure, options.requestTimeoutMs ?? 15_000) } });
  return {
    async getToken() {
      let result;
      try {
        result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
      } catch (error) {
        // invalid_client (bad secret, expired certificate) will not heal by retrying; network errors might.
        const code = (error as { errorCode?: unknown }).errorCode;
        const denied = typeof code === 'string' && /invalid_client|unauthorized_client|invalid_scope/.test(code + String((error as Error).message));
        throw new AppError(denied ? 'idp.denied' : 'idp.unavailable', `Entra token request failed: ${String(code ?? (error as Error).message)}`, { retryable: !denied, cause: error });
      }
      if (!result?.accessToken) throw new AppError('idp.unavailable', 'Entra token request returned no access token', { retryable: true });
      return result.accessToken;
    },
  };
}
