import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { IdpConfig } from '@keyward/config';

type EntraIdp = Extract<IdpConfig, { kind: 'entra' }>;

export interface EntraProbeResult {
  /** The `roles` claim: the application permissions consented for the app. */
  roles: string[];
  /** `appid` of the token (should be AZURE_CLIENT_ID). */
  appId: string | undefined;
  tenantId: string | undefined;
  /** Token lifetime left, for the detail line. */
  expiresInSeconds: number | undefined;
}

const TIMEOUT_MS = 10_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/**
 * Asks Entra for a Graph client-credential token, exactly as the adapter does (same authority, same
 * credential), and reads its claims. Plain fetch rather than MSAL: the doctor reports the raw
 * AADSTS error, and an app-only Graph token is a JWT whose `roles` claim lists the consented
 * application permissions (learn.microsoft.com "Microsoft identity platform access tokens"). The
 * token is never validated here (it is ours, straight from the token endpoint) and never printed.
 */
export async function probeEntraCredential(idp: EntraIdp): Promise<EntraProbeResult> {
  const host = (idp.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const tokenUrl = `${host}/${encodeURIComponent(idp.tenantId)}/oauth2/v2.0/token`;
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: idp.clientId, scope: GRAPH_SCOPE };
  if (idp.credential.kind === 'secret') form['client_secret'] = idp.credential.clientSecret;
  else {
    form['client_assertion_type'] = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
    form['client_assertion'] = certificateAssertion(idp.clientId, tokenUrl, idp.credential.pem);
  }
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form).toString(), signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (!res.ok || typeof body.access_token !== 'string') {
    const description = typeof body.error_description === 'string' ? ` (${body.error_description.split('\n')[0]})` : '';
    throw new Error(`token request refused: ${typeof body.error === 'string' ? body.error : `HTTP ${res.status}`}${description}`);
  }
  const claims = decodeJwtPayload(body.access_token);
  return {
    roles: Array.isArray(claims['roles']) ? claims['roles'].filter((r): r is string => typeof r === 'string') : [],
    appId: typeof claims['appid'] === 'string' ? claims['appid'] : typeof claims['azp'] === 'string' ? claims['azp'] : undefined,
    tenantId: typeof claims['tid'] === 'string' ? claims['tid'] : undefined,
    expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : undefined,
  };
}

/** The claims of a compact JWS, unverified (see probeEntraCredential for why that is fine here). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) throw new Error('the Graph access token is not a JWT: cannot read its roles claim');
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('the Graph access token has no claims object');
  return payload as Record<string, unknown>;
}

/** RFC 7523 client assertion signed with the certificate's key (x5t#S256 = its SHA-256 thumbprint), as MSAL sends it. */
function certificateAssertion(clientId: string, audience: string, pem: string): string {
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!certificate) throw new Error('AZURE_CLIENT_CERTIFICATE_PATH holds no certificate');
  const thumbprint = Buffer.from(new X509Certificate(certificate).fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'RS256', typ: 'JWT', 'x5t#S256': thumbprint });
  const body = encode({ iss: clientId, sub: clientId, aud: audience, iat: now, nbf: now, exp: now + 300, jti: randomUUID() });
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), createPrivateKey(pem)).toString('base64url')}`;
}
