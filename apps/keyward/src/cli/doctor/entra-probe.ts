import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { IdpConfig } from '@keyward/config';
import type { EntraDirectoryRolesRead, EntraRoleAssignment } from './entra-directory-roles';

type EntraIdp = Extract<IdpConfig, { kind: 'entra' }>;

export interface EntraProbeResult {
  /** The `roles` claim: the application permissions consented for the app. */
  roles: string[];
  /** `appid` of the token (should be AZURE_CLIENT_ID). */
  appId: string | undefined;
  tenantId: string | undefined;
  /** Token lifetime left, for the detail line. */
  expiresInSeconds: number | undefined;
  /** `oid` of the app-only token: the object id of the app's service principal in this tenant. */
  servicePrincipalId: string | undefined;
  /** The directory roles assigned to that service principal, or why they could not be read. */
  directoryRoles: EntraDirectoryRolesRead;
}

const TIMEOUT_MS = 10_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The Entra adapter's default too (GRAPH_API_URL overrides both). */
const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';
/** Pages of role assignments followed at most (Graph pages them at 100; a service principal holds a handful). */
const MAX_PAGES = 10;

/**
 * Asks Entra for a Graph client-credential token, exactly as the adapter does (same authority, same
 * credential), and reads its claims. Plain fetch rather than MSAL: the doctor reports the raw
 * AADSTS error, and an app-only Graph token is a JWT whose `roles` claim lists the consented
 * application permissions (learn.microsoft.com "Microsoft identity platform access tokens"). The
 * token is never validated here (it is ours, straight from the token endpoint) and never printed.
 * With it, one Graph read: the directory roles of the app's service principal (readDirectoryRoles).
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
  // In app-only tokens `oid` is the object id of the calling service principal (learn.microsoft.com
  // "access token claims reference"): no servicePrincipals lookup, hence no Application.Read.All.
  const servicePrincipalId = typeof claims['oid'] === 'string' && claims['oid'] !== '' ? claims['oid'] : undefined;
  return {
    roles: Array.isArray(claims['roles']) ? claims['roles'].filter((r): r is string => typeof r === 'string') : [],
    appId: typeof claims['appid'] === 'string' ? claims['appid'] : typeof claims['azp'] === 'string' ? claims['azp'] : undefined,
    tenantId: typeof claims['tid'] === 'string' ? claims['tid'] : undefined,
    expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    servicePrincipalId,
    directoryRoles: servicePrincipalId === undefined
      ? { ok: false, reason: 'the Graph token has no oid claim, so the service principal is unknown' }
      : await readDirectoryRoles((idp.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, ''), body.access_token, servicePrincipalId),
  };
}

/**
 * `GET /v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'&$expand=roleDefinition`
 * (needs RoleManagement.Read.Directory, or a broader read). A refusal is an answer, not a crash: the
 * doctor turns it into a warning. The token is sent to the configured Graph host only: an
 * `@odata.nextLink` pointing elsewhere is not followed.
 */
async function readDirectoryRoles(graphUrl: string, accessToken: string, principalId: string): Promise<EntraDirectoryRolesRead> {
  const base = `${graphUrl}/v1.0`;
  const filter = encodeURIComponent(`principalId eq '${principalId.replace(/'/g, "''")}'`);
  let url: string | undefined = `${base}/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=roleDefinition`;
  const assignments: EntraRoleAssignment[] = [];
  try {
    for (let page = 0; url !== undefined && page < MAX_PAGES; page += 1) {
      const res: Response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body = (await res.json().catch(() => ({}))) as { value?: unknown; '@odata.nextLink'?: unknown; error?: { code?: unknown; message?: unknown } };
      if (!res.ok) {
        const code = typeof body.error?.code === 'string' ? ` ${body.error.code}` : '';
        const message = typeof body.error?.message === 'string' ? `: ${body.error.message}` : '';
        return { ok: false, reason: `Graph answered ${res.status}${code}${message}` };
      }
      for (const item of Array.isArray(body.value) ? (body.value as unknown[]) : []) {
        const a = item as { roleDefinitionId?: unknown; directoryScopeId?: unknown; roleDefinition?: { displayName?: unknown } };
        if (typeof a.roleDefinitionId !== 'string') continue;
        assignments.push({
          roleDefinitionId: a.roleDefinitionId,
          displayName: typeof a.roleDefinition?.displayName === 'string' ? a.roleDefinition.displayName : undefined,
          directoryScopeId: typeof a.directoryScopeId === 'string' ? a.directoryScopeId : undefined,
        });
      }
      const next = body['@odata.nextLink'];
      url = typeof next === 'string' && next.startsWith(`${base}/`) ? next : undefined;
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, assignments };
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
