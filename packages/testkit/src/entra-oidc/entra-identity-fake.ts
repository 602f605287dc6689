import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the Microsoft identity platform v2.0 endpoints for one tenant, as documented on
 * learn.microsoft.com ("OpenID Connect on the Microsoft identity platform", "OAuth 2.0 client
 * credentials flow", "authorization code flow"):
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (discovery),
 * - `GET /{tenant}/discovery/v2.0/keys` (JWKS, RS256 with `kid`),
 * - `GET /{tenant}/oauth2/v2.0/authorize` (signs in whoever the test says, redirects with code + state),
 * - `POST /{tenant}/oauth2/v2.0/token` (`client_credentials` for Graph app tokens, `authorization_code`
 *   with PKCE S256 for the step-up's ID token; codes are single use).
 * Client authentication: `client_secret` (post or basic) or a `client_assertion` JWT (certificate).
 */
export interface EntraSignIn {
  /** Object id of the account that signs in. */
  oid: string;
  /** Tenant of that account; default the fake's tenant. */
  tid?: string;
  preferredUsername?: string;
  /** `amr` (authentication methods references); e.g. ['pwd','mfa']. Absent = no amr claim (v2 tokens often lack it, F14). */
  amr?: string[];
  /** Authentication-context ids satisfied (`acrs` claim), e.g. ['c1']. */
  acrs?: string[];
  /** Overrides applied to the ID token's claims last (expired `exp`, other `aud`, other `nonce`…). */
  claims?: Record<string, unknown>;
  /** Sign the ID token with a key that is not in the JWKS (signature check test). */
  foreignKey?: boolean;
}

export interface AuthorizeRequestRecord {
  query: Record<string, string>;
  at: number;
}

export interface EntraIdentityFakeOptions {
  tenantId?: string;
  /**
   * Confidential clients: id → secret (or a certificate public key for client_assertion), and the
   * Graph application permissions consented for the client (the `roles` claim of its app tokens).
   */
  clients?: { clientId: string; clientSecret?: string; certificatePublicKeyPem?: string; appRoles?: string[] }[];
  now?: () => number;
}

export interface EntraIdentityFake {
  readonly url: string;
  readonly tenantId: string;
  readonly issuer: string;
  /** Who signs in at the next authorize request (null = the user cancels: `error=access_denied`). */
  nextSignIn: EntraSignIn | null;
  /** Every authorize request the browser made (query parameters as sent). */
  readonly authorizeRequests: AuthorizeRequestRecord[];
  /** Token requests by grant type, for assertions. */
  readonly tokenRequests: { grantType: string; clientId: string; body: Record<string, string> }[];
  /** True when Graph should accept this bearer token (an app token this fake issued and not expired). */
  isAccessToken(token: string): boolean;
  /**
   * The Graph application permissions consented for a client: the `roles` claim of its next
   * client-credential tokens (empty = no claim, as Entra omits it when nothing is granted).
   */
  setAppRoles(clientId: string, roles: readonly string[]): void;
  /**
   * Runs the browser's part of the code flow: GET the authorize URL, return the redirect's query
   * (`code` + `state`, or `error`). The test then calls the product's callback with it.
   */
  browse(authorizeUrl: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  signIn: EntraSignIn;
  expiresAt: number;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key);
  return `${header}.${body}.${b64url(signature)}`;
}

export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** AADSTS-style error body (error, error_description, error_codes) as the token endpoint sends it. */
function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  json(res, status, { error, error_description: description, error_codes: [], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
}

export async function createEntraIdentityFake(options: EntraIdentityFakeOptions = {}): Promise<EntraIdentityFake> {
  const tenantId = options.tenantId ?? '11111111-2222-3333-4444-555555555555';
  const clients = options.clients ?? [{ clientId: 'keyward-app', clientSecret: 'keyward-secret' }];
  const appRoles = new Map<string, readonly string[]>(clients.map((c) => [c.clientId, c.appRoles ?? []]));
  const now = options.now ?? (() => Date.now());
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const accessTokens = new Map<string, number>();
  const codes = new Map<string, IssuedCode>();
  const authorizeRequests: AuthorizeRequestRecord[] = [];
  const tokenRequests: EntraIdentityFake['tokenRequests'] = [];
  let base = '';

  const state = { nextSignIn: null as EntraSignIn | null };

  const authenticateClient = (req: IncomingMessage, form: Record<string, string>): string | undefined => {
    let clientId = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, pw] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(pw ?? '');
    }
    const client = clients.find((c) => c.clientId === clientId);
    if (!client) return undefined;
    if (secret !== undefined) return client.clientSecret !== undefined && secret === client.clientSecret ? client.clientId : undefined;
    if (form.client_assertion_type === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' && form.client_assertion && client.certificatePublicKeyPem) {
      // Certificate credentials: a JWT signed with the certificate's key, aud = the token endpoint,
      // iss = sub = client id (learn.microsoft.com "certificate credentials").
      const [h, p, s] = form.client_assertion.split('.');
      if (!h || !p || !s) return undefined;
      const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(client.certificatePublicKeyPem), Buffer.from(s, 'base64url'));
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: string; sub?: string; exp?: number };
      if (ok && claims.iss === client.clientId && claims.sub === client.clientId && (claims.exp ?? 0) * 1000 > now()) return client.clientId;
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0];
    const rest = parts.slice(1).join('/');
    if (tenant !== tenantId && tenant !== 'organizations' && tenant !== 'common') return json(res, 400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
    const tenantBase = `${base}/${tenantId}`;
    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: `${tenantBase}/v2.0`,
        authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
        token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
        jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'oid', 'tid', 'amr', 'acrs', 'preferred_username'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (req.method === 'GET' && rest === 'discovery/v2.0/keys') {
      const jwk = signing.publicKey.export({ format: 'jwk' });
      return json(res, 200, { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256', kty: 'RSA' }] });
    }
    if (req.method === 'GET' && rest === 'oauth2/v2.0/authorize') {
      const query = Object.fromEntries(url.searchParams);
      authorizeRequests.push({ query, at: now() });
      const redirect = query.redirect_uri;
      if (!redirect || !clients.some((c) => c.clientId === query.client_id)) return json(res, 400, { error: 'invalid_request', error_description: 'AADSTS700016: unknown client or no redirect_uri' });
      const target = new URL(redirect);
      if (query.state) target.searchParams.set('state', query.state);
      const signIn = state.nextSignIn;
      if (query.response_type !== 'code' || query.code_challenge_method !== 'S256' || !query.code_challenge) {
        target.searchParams.set('error', 'invalid_request');
        target.searchParams.set('error_description', 'AADSTS: response_type=code with PKCE S256 is required');
      } else if (!signIn) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'AADSTS50126: the user cancelled the sign-in');
      } else {
        const code = b64url(randomBytes(24));
        codes.set(code, { clientId: query.client_id as string, redirectUri: redirect, codeChallenge: query.code_challenge, nonce: query.nonce, signIn, expiresAt: now() + 10 * 60_000 });
        target.searchParams.set('code', code);
      }
      res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
      const form = await readForm(req);
      const clientId = authenticateClient(req, form);
      tokenRequests.push({ grantType: form.grant_type ?? '', clientId: clientId ?? form.client_id ?? '', body: Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'client_secret' && k !== 'client_assertion')) });
      if (!clientId) return oauthError(res, 401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      if (form.grant_type === 'client_credentials') {
        if (!(form.scope ?? '').split(' ').includes('https://graph.microsoft.com/.default')) return oauthError(res, 400, 'invalid_scope', 'AADSTS1002012: scope must be <resource>/.default');
        // A v1.0 app-only Graph token as Entra issues it: a JWT whose `roles` claim lists the
        // application permissions consented for the client (what `keyward doctor` reads).
        const iat = Math.floor(now() / 1000);
        const roles = appRoles.get(clientId) ?? [];
        const token = signJwt(
          {
            aud: 'https://graph.microsoft.com',
            iss: `https://sts.windows.net/${tenantId}/`,
            iat,
            nbf: iat,
            exp: iat + 3600,
            appid: clientId,
            idtyp: 'app',
            oid: createHash('sha256').update(`sp:${clientId}`).digest('hex').slice(0, 32),
            tid: tenantId,
            ver: '1.0',
            ...(roles.length > 0 ? { roles: [...roles] } : {}),
            uti: b64url(randomBytes(12)),
          },
          signing.privateKey,
          kid,
        );
        accessTokens.set(token, now() + 3600_000);
        return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      }
      if (form.grant_type === 'authorization_code') {
        const issued = form.code ? codes.get(form.code) : undefined;
        // Codes are single use (RFC 6749 §4.1.2): a replayed code is invalid_grant.
        if (form.code) codes.delete(form.code);
        if (!issued || issued.expiresAt < now() || issued.clientId !== clientId) return oauthError(res, 400, 'invalid_grant', 'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.');
        if (form.redirect_uri !== issued.redirectUri) return oauthError(res, 400, 'invalid_grant', 'AADSTS50148: redirect_uri does not match the authorize request.');
        const challenge = b64url(createHash('sha256').update(form.code_verifier ?? '').digest());
        if (challenge !== issued.codeChallenge) return oauthError(res, 400, 'invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.');
        const iat = Math.floor(now() / 1000);
        const s = issued.signIn;
        const claims: Record<string, unknown> = {
          aud: clientId,
          iss: `${tenantBase}/v2.0`,
          iat,
          nbf: iat,
          exp: iat + 3600,
          ...(issued.nonce ? { nonce: issued.nonce } : {}),
          oid: s.oid,
          sub: createHash('sha256').update(`${s.oid}:${clientId}`).digest('base64url'),
          tid: s.tid ?? tenantId,
          ver: '2.0',
          ...(s.preferredUsername ? { preferred_username: s.preferredUsername } : {}),
          ...(s.amr ? { amr: s.amr } : {}),
          ...(s.acrs ? { acrs: s.acrs } : {}),
          ...s.claims,
        };
        const idToken = signJwt(claims, s.foreignKey ? foreign.privateKey : signing.privateKey, kid);
        return json(res, 200, { token_type: 'Bearer', scope: 'openid profile', expires_in: 3599, access_token: b64url(randomBytes(32)), id_token: idToken });
      }
      return oauthError(res, 400, 'unsupported_grant_type', `AADSTS70003: grant_type ${form.grant_type ?? ''} is not supported`);
    }
    json(res, 404, { error: 'not_found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    tenantId,
    issuer: `${base}/${tenantId}/v2.0`,
    get nextSignIn() {
      return state.nextSignIn;
    },
    set nextSignIn(value: EntraSignIn | null) {
      state.nextSignIn = value;
    },
    authorizeRequests,
    tokenRequests,
    isAccessToken: (token) => (accessTokens.get(token) ?? 0) > now(),
    setAppRoles(clientId, roles) {
      if (!clients.some((c) => c.clientId === clientId)) throw new Error(`no client ${clientId}`);
      appRoles.set(clientId, [...roles]);
    },
    async browse(authorizeUrl) {
      const response = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
      return Object.fromEntries(new URL(location).searchParams);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
