import { randomBytes } from 'node:crypto';
import type { OktaDirectory } from './okta-directory';
import type { OktaStandardRoleType } from './okta-fake-types';
import type { ApiReply } from './okta-api-routes';
import { OKTA_ERRORS } from './okta-wire-format';

/**
 * What the fake knows about the credential calling it, so `keyward doctor` can be tested against it:
 * - an API token acts as a user: `/api/v1/users/me` (and `/me/roles`) resolve to `apiTokenOwner`;
 * - a service app has admin roles of its own: `GET /oauth2/v1/clients/{clientId}/roles`
 *   (operationId listRolesForClient, scope okta.roles.read);
 * - a service app is granted scopes: requesting one it was not granted fails at the token endpoint
 *   with `invalid_scope`, as Okta's org authorization server does; a call the token's scopes do not
 *   cover is refused with 403 E0000006 and `WWW-Authenticate: … error="insufficient_scope"`
 *   (okta-oauth-scopes.ts).
 */
export interface ServicePrincipalOptions {
  apiTokenOwner?: string;
  clientRoles?: Record<string, OktaStandardRoleType[]>;
  clientScopes?: Record<string, string[]>;
}

const ROLE_LABELS: Record<OktaStandardRoleType, string> = {
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  APP_ADMIN: 'Application Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  MOBILE_ADMIN: 'Mobile Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  READ_ONLY_ADMIN: 'Read-only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  SUPER_ADMIN: 'Super Administrator',
  USER_ADMIN: 'User Administrator',
};

/** `/api/v1/users/me…` → `/api/v1/users/<owner id>…` for API-token calls; other paths unchanged. */
export function resolveMePath(pathname: string, options: ServicePrincipalOptions, dir: OktaDirectory): string {
  const match = /^\/api\/v1\/users\/me(\/.*)?$/.exec(pathname);
  if (!match || !options.apiTokenOwner) return pathname;
  const owner = dir.findUser(options.apiTokenOwner);
  return owner ? `/api/v1/users/${owner.id}${match[1] ?? ''}` : pathname;
}

/** Serves listRolesForClient; undefined when the path is not one of ours. */
export function handleServicePrincipalRoute(method: string, pathname: string, base: string, options: ServicePrincipalOptions): { operation: string; reply: ApiReply } | undefined {
  const match = /^\/oauth2\/v1\/clients\/([^/]+)\/roles$/.exec(pathname);
  if (!match) return undefined;
  if (method !== 'GET') return { operation: 'listRolesForClient', reply: { error: OKTA_ERRORS.methodNotAllowed } };
  const clientId = decodeURIComponent(match[1]!);
  const roles = options.clientRoles?.[clientId];
  if (roles === undefined) return { operation: 'listRolesForClient', reply: { error: OKTA_ERRORS.notFound(`Client (${clientId})`) } };
  const created = new Date(Date.UTC(2024, 0, 1)).toISOString();
  return {
    operation: 'listRolesForClient',
    reply: {
      status: 200,
      body: roles.map((type) => ({
        id: `ra1${randomBytes(8).toString('hex').slice(0, 17)}`,
        label: ROLE_LABELS[type],
        type,
        status: 'ACTIVE',
        created,
        lastUpdated: created,
        assignmentType: 'CLIENT',
        _links: { assignee: { href: `${base}/oauth2/v1/clients/${clientId}` } },
      })),
    },
  };
}

/** The scopes a client may not have, of those it asked for (empty when allowed or unrestricted). */
export function ungrantedScopes(clientId: string, requested: string, options: ServicePrincipalOptions): string[] {
  const granted = options.clientScopes?.[clientId];
  if (!granted) return [];
  return requested.split(/\s+/).filter((s) => s && !granted.includes(s));
}
