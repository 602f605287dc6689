import type { DoctorFinding } from './doctor-finding';
import { evaluateOktaAdminRoles } from './okta-admin-roles';
import { isOktaScopeCovered, neededOktaRows, oktaAccess, requiredOktaScopes } from './okta-permissions';
import { OKTA_SCHEMA_READ_SCOPE } from './okta-probe';

/**
 * Read by `keyward doctor` itself, not by any action: okta.schemas.read lets it check that users
 * cannot edit the manager attributes (okta-manager-attribute.ts). Expected, so never "not needed";
 * its absence is that check's warning, not a missing-scope critical.
 */
export const OKTA_DOCTOR_SCOPES: readonly string[] = [OKTA_SCHEMA_READ_SCOPE];

/** Scopes that let the holder change who is an admin or how Okta authenticates: never for this bot. */
export const OKTA_DANGEROUS_SCOPES: Readonly<Record<string, string>> = {
  'okta.roles.manage': 'can assign admin roles (including Super Administrator)',
  'okta.clients.manage': 'can create OAuth clients and their credentials',
  'okta.apiTokens.manage': 'can manage API tokens',
  'okta.policies.manage': 'can change sign-on and MFA policies',
  'okta.authorizationServers.manage': 'can change authorization servers',
  'okta.idps.manage': 'can add identity providers (sign-in as anyone)',
  'okta.factors.manage': 'can manage the org\'s authenticators',
  'okta.orgs.manage': 'can change org settings',
};

export interface OktaCredentialFacts {
  authKind: 'api_token' | 'service_app';
  /** Who the credential acts as (token owner login or client id). */
  principal: string;
  /** Granted scopes (service app). */
  scopes?: readonly string[];
  /** Admin role types assigned to the principal. */
  roles: readonly string[];
  /** Policy actions in self-service mode (the ones Keyward executes). */
  enabledActions: readonly string[];
}

/**
 * Compares what the credential holds with the minimum the enabled actions need: the scopes
 * (OKTA_ACCESS_BY_ACTION, from the spec's per-operation scopes) here, the admin roles in
 * okta-admin-roles.ts.
 */
export function evaluateOktaPrivileges(facts: OktaCredentialFacts): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const area = 'Okta';
  if (facts.authKind === 'api_token') {
    findings.push({ area, check: 'credential type', level: 'warning', detail: `API token acting as ${facts.principal}: it carries that admin's full rights and cannot be scoped. Prefer an OAuth service app (OKTA_CLIENT_ID + OKTA_PRIVATE_KEY).` });
  } else {
    findings.push({ area, check: 'credential type', level: 'ok', detail: `OAuth service app ${facts.principal} (private_key_jwt)` });
  }

  if (facts.scopes) {
    const rows = neededOktaRows(facts.enabledActions);
    const needed = requiredOktaScopes(facts.enabledActions);
    const optional = new Set(rows.flatMap((row) => oktaAccess(row).optionalScopes ?? []));
    const granted = new Set(facts.scopes);
    const missing = needed.filter((s) => !isOktaScopeCovered(s, granted));
    findings.push(missing.length > 0
      ? { area, check: 'scopes: missing', level: 'critical', detail: `${missing.join(', ')} — needed by ${rows.filter((row) => oktaAccess(row).scopes.some((s) => missing.includes(s))).join(', ')} (self-service in the policy); Okta refuses those calls (403 insufficient_scope). Grant them to the app and add them to OKTA_SCOPES.` }
      : { area, check: 'scopes: required', level: 'ok', detail: [...needed].sort().join(', ') });
    for (const scope of [...optional].filter((s) => !isOktaScopeCovered(s, granted))) {
      findings.push({ area, check: `scope ${scope}`, level: 'info', detail: 'not granted: user risk reads as "unknown", so riskSignals never refuses (needs Identity Threat Protection as well)' });
    }
    const neededSet = new Set(needed);
    for (const scope of facts.scopes) {
      if (OKTA_DANGEROUS_SCOPES[scope]) findings.push({ area, check: `scope ${scope}`, level: 'critical', detail: `broader than needed: ${OKTA_DANGEROUS_SCOPES[scope]}. Revoke the grant.` });
      else if (!neededSet.has(scope) && !optional.has(scope) && !OKTA_DOCTOR_SCOPES.includes(scope)) findings.push({ area, check: `scope ${scope}`, level: scope.endsWith('.manage') ? 'warning' : 'info', detail: 'granted but not needed by the enabled actions: revoke it (least privilege)' });
    }
  }

  findings.push(...evaluateOktaAdminRoles({ principal: facts.principal, roles: facts.roles, enabledActions: facts.enabledActions }));
  return findings;
}
