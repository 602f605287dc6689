import { randomBytes } from 'node:crypto';

/**
 * `POST /oauth2/v1/token` for an OAuth service app: client_credentials with a private_key_jwt client
 * assertion (RFC 7523), answering like Okta's org authorization server. Relaxation: the fake has no
 * registered public key, so it checks the assertion's claims (iss = sub = a known client id, aud = this
 * endpoint, not expired) but not its signature. Errors use the OAuth shape `{error, error_description}`.
 */
export interface TokenEndpointContext {
  base: string;
  clientIds: string[];
  /** Records a token and the scopes it carries (what the API calls made with it may do). */
  issue(accessToken: string, scopes: string[]): void;
  /** Scopes the client asked for but was not granted (empty = fine). */
  ungranted?(clientId: string, scope: string): string[];
}

const invalidClient = (description: string): { status: number; body: unknown } => ({
  status: 401,
  body: { error: 'invalid_client', error_description: description },
});

export function handleTokenRequest(rawBody: string, ctx: TokenEndpointContext): { status: number; body: unknown } {
  const form = new URLSearchParams(rawBody);
  if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' } };
  if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return invalidClient('client_assertion_type is missing or unsupported.');
  const payloadPart = (form.get('client_assertion') ?? '').split('.')[1];
  let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return invalidClient('The client_assertion is not a valid JWT.');
  }
  if (typeof claims.iss !== 'string' || claims.iss !== claims.sub || !ctx.clientIds.includes(claims.iss)) return invalidClient('The client_id is unknown.');
  if (claims.aud !== `${ctx.base}/oauth2/v1/token`) return invalidClient('The audience of the client_assertion is invalid.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return invalidClient('The client_assertion has expired.');
  const missing = ctx.ungranted?.(claims.iss, form.get('scope') ?? '') ?? [];
  if (missing.length > 0) return { status: 400, body: { error: 'invalid_scope', error_description: `The following scopes were not granted to the client: ${missing.join(' ')}` } };
  const accessToken = randomBytes(24).toString('base64url');
  ctx.issue(accessToken, (form.get('scope') ?? '').split(/\s+/).filter(Boolean));
  return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: accessToken, scope: form.get('scope') ?? '' } };
}
