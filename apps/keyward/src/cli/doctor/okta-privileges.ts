import type { DoctorFinding } from './doctor-finding';
import { OKTA_SCHEMA_READ_SCOPE } from './okta-probe';

/*
 * The minimum Okta access per enabled action, from the operation scopes in Okta's management spec
 * (shared/specs/okta-management.yaml): getUser/listUsers/listUserGroups/listFactors/
 * getFactorTransactionStatus need okta.users.read; listAssignedRolesForUser okta.roles.read (the
 * privileged-target refusal); verifyFactor, generateResetPasswordToken, unlockUser and
 * revokeUserSessions okta.users.manage. Group and app actions add okta.groups.manage / okta.apps.manage.
 */
export const OKTA_SCOPES_BY_ACTION: Record<string, readonly string[]> = {
  lookup: ['okta.users.read', 'okta.roles.read'],
  push_step_up: ['okta.users.manage'],
  password_reset: ['okta.users.manage'],
  account_unlock: ['okta.users.manage'],
  session_revoke: ['okta.users.manage'],
  mfa_reset: ['okta.users.manage'],
  group_membership_add: ['okta.groups.manage'],
  group_membership_remove: ['okta.groups.manage'],
  app_access_request: ['okta.apps.manage'],
};

/**
 * Read by `keyward doctor` itself, not by any action: okta.schemas.read lets it check that users
 * cannot edit the manager attributes (okta-manager-attribute.ts). Expected, so never "not needed";
 * its absence is that check's warning, not a missing-scope critical.
 */
export const OKTA_DOCTOR_SCOPES: readonly string[] = [OKTA_SCHEMA_READ_SCOPE];

/** Actions the Okta adapter executes today (self-service after a push). */
export const OKTA_ENABLED_ACTIONS = ['password_reset', 'account_unlock', 'session_revoke'] as const;

/** Scopes that let the holder change who is an admin or how Okta authenticates: never for this bot. */
const DANGEROUS_SCOPES: Record<string, string> = {
  'okta.roles.manage': 'can assign admin roles (including Super Administrator)',
  'okta.clients.manage': 'can create OAuth clients and their credentials',
  'okta.apiTokens.manage': 'can manage API tokens',
  'okta.policies.manage': 'can change sign-on and MFA policies',
  'okta.authorizationServers.manage': 'can change authorization servers',
  'okta.idps.manage': 'can add identity providers (sign-in as anyone)',
  'okta.factors.manage': 'can manage the org\'s authenticators',
  'okta.orgs.manage': 'can change org settings',
};

/** Standard admin roles, judged for a bot that resets, unlocks and signs out non-admin users. */
const ROLE_VERDICT: Record<string, { level: DoctorFinding['level']; detail: string }> = {
  SUPER_ADMIN: { level: 'critical', detail: 'Super Administrator: full control of the org, including admins. Replace with a custom role bound to a resource set that excludes admin groups.' },
  ORG_ADMIN: { level: 'critical', detail: 'Organization Administrator: can manage every user and group and most settings. Far broader than needed.' },
  API_ACCESS_MANAGEMENT_ADMIN: { level: 'warning', detail: 'API Access Management Administrator: manages authorization servers — not needed.' },
  APP_ADMIN: { level: 'warning', detail: 'Application Administrator: not needed unless app access requests are enabled.' },
  USER_ADMIN: { level: 'warning', detail: 'User Administrator: can also create, deactivate and edit users — broader than needed; a custom role is tighter.' },
  MOBILE_ADMIN: { level: 'warning', detail: 'Mobile Administrator: not needed.' },
  REPORT_ADMIN: { level: 'info', detail: 'Report Administrator: read-only reports, harmless but not needed.' },
  READ_ONLY_ADMIN: { level: 'info', detail: 'Read-only Administrator: reads only; a write role is needed as well.' },
  GROUP_MEMBERSHIP_ADMIN: { level: 'info', detail: 'Group Membership Administrator: only needed for group actions.' },
  HELP_DESK_ADMIN: { level: 'ok', detail: 'Help Desk Administrator: resets passwords and MFA, unlocks users, for non-admins.' },
  CUSTOM: { level: 'ok', detail: 'Custom role: make sure its resource set excludes admin groups.' },
};

const WRITE_CAPABLE = new Set(['SUPER_ADMIN', 'ORG_ADMIN', 'USER_ADMIN', 'HELP_DESK_ADMIN', 'CUSTOM']);

export interface OktaCredentialFacts {
  authKind: 'api_token' | 'service_app';
  /** Who the credential acts as (token owner login or client id). */
  principal: string;
  /** Granted scopes (service app). */
  scopes?: readonly string[];
  /** Admin role types assigned to the principal. */
  roles: readonly string[];
  enabledActions: readonly string[];
}

/** Compares what the credential holds with the minimum the enabled actions need. */
export function evaluateOktaPrivileges(facts: OktaCredentialFacts): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const area = 'Okta';
  if (facts.authKind === 'api_token') {
    findings.push({ area, check: 'credential type', level: 'warning', detail: `API token acting as ${facts.principal}: it carries that admin's full rights and cannot be scoped. Prefer an OAuth service app (OKTA_CLIENT_ID + OKTA_PRIVATE_KEY).` });
  } else {
    findings.push({ area, check: 'credential type', level: 'ok', detail: `OAuth service app ${facts.principal} (private_key_jwt)` });
  }

  const needed = new Set(['lookup', 'push_step_up', ...facts.enabledActions].flatMap((a) => OKTA_SCOPES_BY_ACTION[a] ?? []));
  if (facts.scopes) {
    const granted = new Set(facts.scopes);
    const missing = [...needed].filter((s) => !granted.has(s));
    findings.push(missing.length > 0
      ? { area, check: 'scopes: missing', level: 'critical', detail: `${missing.join(', ')} needed by ${facts.enabledActions.join(', ')} (and lookups/push)` }
      : { area, check: 'scopes: required', level: 'ok', detail: [...needed].sort().join(', ') });
    for (const scope of facts.scopes) {
      if (DANGEROUS_SCOPES[scope]) findings.push({ area, check: `scope ${scope}`, level: 'critical', detail: `broader than needed: ${DANGEROUS_SCOPES[scope]}. Revoke the grant.` });
      else if (!needed.has(scope) && !OKTA_DOCTOR_SCOPES.includes(scope)) findings.push({ area, check: `scope ${scope}`, level: scope.endsWith('.manage') ? 'warning' : 'info', detail: 'granted but not needed by the enabled actions: revoke it (least privilege)' });
    }
  }

  if (facts.roles.length === 0) {
    findings.push({ area, check: 'admin roles', level: 'critical', detail: `${facts.principal} holds no admin role: every reset, unlock or sign-out will be refused by Okta (403).` });
  }
  for (const role of facts.roles) {
    const verdict = ROLE_VERDICT[role] ?? { level: 'warning' as const, detail: 'unknown role type: review it' };
    findings.push({ area, check: `role ${role}`, level: verdict.level, detail: verdict.detail });
  }
  if (facts.roles.length > 0 && !facts.roles.some((r) => WRITE_CAPABLE.has(r))) {
    findings.push({ area, check: 'admin roles', level: 'critical', detail: `no role of ${facts.principal} can reset passwords or unlock users (needs Help Desk Administrator or a custom role).` });
  }
  return findings;
}
