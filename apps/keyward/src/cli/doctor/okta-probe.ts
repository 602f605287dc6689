import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { IdpConfig } from '@keyward/config';

type OktaIdp = Extract<IdpConfig, { kind: 'okta' }>;

export interface OktaProbeResult {
  authKind: 'api_token' | 'service_app';
  principal: string;
  scopes?: string[];
  roles: string[];
  /** X-Okta-Request-Id of the calls, for support tickets. */
  requestIds: string[];
  /** The default user type's profile schema, or why it could not be read. */
  userSchema: OktaUserSchemaRead;
}

export type OktaUserSchemaRead = { ok: true; schema: unknown } | { ok: false; reason: string };

/** getUserSchema for the default user type (`default` is the spec's alias for its schema id). */
const USER_SCHEMA_PATH = '/api/v1/meta/schemas/user/default';
/** The scope getUserSchema declares (spec: security oauth2 okta.schemas.read). */
export const OKTA_SCHEMA_READ_SCOPE = 'okta.schemas.read';

const TIMEOUT_MS = 10_000;

/**
 * Asks Okta what the configured credential actually is. API token: `GET /api/v1/users/me` (the
 * token's owner) and its roles. Service app: a client_credentials token with the configured scopes
 * (Okta refuses the whole request with `invalid_scope` when one is not granted, so a token means all
 * configured scopes are granted), then `GET /oauth2/v1/clients/{clientId}/roles`. Both then read the
 * user schema (`GET /api/v1/meta/schemas/user/default`, okta.schemas.read) for the manager-attribute
 * check; a refusal there is reported, not thrown, so it never hides the rest. Plain fetch and
 * node:crypto (RS256 client assertion, RFC 7523) rather than the SDK, so a doctor run never touches
 * ~/.okta/okta.yaml or OKTA_CLIENT_* variables (STACK.md) and reports the raw answers.
 */
export async function probeOktaCredential(idp: OktaIdp): Promise<OktaProbeResult> {
  const orgUrl = idp.orgUrl.replace(/\/+$/, '');
  const requestIds: string[] = [];
  const call = async (path: string, authorization: string): Promise<unknown> => {
    const res = await fetch(`${orgUrl}${path}`, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const id = res.headers.get('x-okta-request-id');
    if (id) requestIds.push(id);
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${path} answered ${res.status}${describeOktaError(body)}`);
    return body;
  };
  const readUserSchema = async (authorization: string): Promise<OktaUserSchemaRead> => {
    try {
      return { ok: true, schema: await call(USER_SCHEMA_PATH, authorization) };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  };
  if (idp.auth.mode === 'token') {
    const auth = `SSWS ${idp.auth.token}`;
    const me = (await call('/api/v1/users/me', auth)) as { id?: string; profile?: { login?: string } };
    const roles = (await call(`/api/v1/users/${encodeURIComponent(me.id ?? 'me')}/roles`, auth)) as { type?: string }[];
    const userSchema = await readUserSchema(auth);
    return { authKind: 'api_token', principal: me.profile?.login ?? me.id ?? 'unknown user', roles: roles.map((r) => r.type ?? 'UNKNOWN'), requestIds, userSchema };
  }
  const { clientId, privateKey, keyId, scopes } = idp.auth;
  const tokenUrl = `${orgUrl}/oauth2/v1/token`;
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion(clientId, tokenUrl, privateKey, keyId) }).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const token = (await res.json().catch(() => ({}))) as { access_token?: string; scope?: string; error?: string; error_description?: string };
  if (!res.ok || !token.access_token) throw new Error(`token request refused: ${token.error ?? res.status}${token.error_description ? ` (${token.error_description})` : ''}`);
  const roles = (await call(`/oauth2/v1/clients/${encodeURIComponent(clientId)}/roles`, `Bearer ${token.access_token}`)) as { type?: string }[];
  const granted = (token.scope ?? scopes.join(' ')).split(/\s+/).filter(Boolean);
  // Okta refuses a token without the scope (403): not asked for, not called.
  const userSchema: OktaUserSchemaRead = granted.includes(OKTA_SCHEMA_READ_SCOPE)
    ? await readUserSchema(`Bearer ${token.access_token}`)
    : { ok: false, reason: `OKTA_SCOPES does not include ${OKTA_SCHEMA_READ_SCOPE}` };
  return { authKind: 'service_app', principal: clientId, scopes: granted, roles: roles.map((r) => r.type ?? 'UNKNOWN'), requestIds, userSchema };
}

function clientAssertion(clientId: string, audience: string, privateKey: string, keyId: string | undefined): string {
  const key = privateKey.trim().startsWith('{') ? createPrivateKey({ key: JSON.parse(privateKey) as Record<string, unknown> as never, format: 'jwk' }) : createPrivateKey(privateKey);
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'RS256', typ: 'JWT', ...(keyId ? { kid: keyId } : {}) });
  const body = encode({ iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + 300, jti: randomUUID() });
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

function describeOktaError(body: unknown): string {
  const b = body as { errorCode?: string; errorSummary?: string } | undefined;
  return b?.errorSummary ? ` (${b.errorCode ?? ''} ${b.errorSummary})` : '';
}
