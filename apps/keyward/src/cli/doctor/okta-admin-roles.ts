import type { DoctorFinding } from './doctor-finding';
import { OKTA_ACCESS_BY_ACTION, OKTA_ROLE_LABELS, neededOktaRows, oktaAccess } from './okta-permissions';
import type { OktaAccessKey } from './okta-permissions';

/**
 * The admin roles of the credential (a service app's own roles, or an API token owner's), judged
 * against what the policy's enabled actions need (OKTA_ACCESS_BY_ACTION: `roles`, `permissions`).
 * Scopes only say which endpoints a token may call; the role decides what Okta lets it do there, so a
 * Help Desk Administrator with okta.groups.manage still gets 403 on every group join.
 */
interface RoleVerdict {
  /** `fits`: what an enabled action needs (OK), or not needed (warning) when none of its rows is. */
  level: 'critical' | 'warning' | 'info' | 'fits';
  detail: string;
  /** Set for a role that fits but can do more than the actions need: a warning even when needed. */
  broader?: string;
}

/** Standard roles (spec: RoleType). Anything else is an unknown role type: review it. */
const ROLE_VERDICTS: Readonly<Record<string, RoleVerdict>> = {
  SUPER_ADMIN: { level: 'critical', detail: 'Super Administrator: full control of the org, including admins. Replace with a custom role bound to a resource set that excludes admin groups.' },
  ORG_ADMIN: { level: 'critical', detail: 'Organization Administrator: can manage every user and group and most settings. Far broader than needed.' },
  API_ACCESS_MANAGEMENT_ADMIN: { level: 'warning', detail: 'API Access Management Administrator: manages authorization servers — not needed.' },
  MOBILE_ADMIN: { level: 'warning', detail: 'Mobile Administrator: not needed.' },
  REPORT_ADMIN: { level: 'info', detail: 'Report Administrator: read-only reports, harmless but not needed.' },
  READ_ONLY_ADMIN: { level: 'info', detail: "Read-only Administrator: reads users and their admin roles (the look-ups); it writes nothing, so the enabled actions need another role as well." },
  HELP_DESK_ADMIN: { level: 'fits', detail: 'Help Desk Administrator: resets passwords and MFA, unlocks users and clears sessions, for non-admins; it cannot add users to groups or assign apps.' },
  GROUP_MEMBERSHIP_ADMIN: { level: 'fits', detail: 'Group Membership Administrator: adds and removes members of its groups (never admin groups).' },
  USER_ADMIN: { level: 'fits', detail: 'Group Administrator (USER_ADMIN): resets, unlocks and clears sessions for users of its groups.', broader: 'it can also create, deactivate and edit those users; Help Desk Administrator or a custom role is tighter.' },
  APP_ADMIN: { level: 'fits', detail: 'Application Administrator: assigns users to its apps.', broader: "it can also change those apps' sign-on and provisioning settings; a custom role with okta.apps.assignment.manage is tighter." },
};

/** Rows whose writes a standard role allows (from OKTA_ACCESS_BY_ACTION, so there is one list). */
function rowsServedBy(role: string): OktaAccessKey[] {
  return (Object.keys(OKTA_ACCESS_BY_ACTION) as OktaAccessKey[]).filter((key) => oktaAccess(key).roles.includes(role));
}

export interface OktaAdminRoleFacts {
  /** Who the credential acts as (token owner login or client id). */
  principal: string;
  /** Admin role types assigned to the principal (`CUSTOM` for a custom role). */
  roles: readonly string[];
  /** Policy actions in self-service mode. */
  enabledActions: readonly string[];
}

/** Critical for org-wide roles and for an enabled action no held role allows; warnings for broader or unneeded roles. */
export function evaluateOktaAdminRoles(facts: OktaAdminRoleFacts): DoctorFinding[] {
  const area = 'Okta';
  const findings: DoctorFinding[] = [];
  const judged = neededOktaRows(facts.enabledActions).filter((key) => oktaAccess(key).roles.length > 0);
  const hasCustom = facts.roles.includes('CUSTOM');

  if (facts.roles.length === 0) {
    findings.push({ area, check: 'admin roles', level: 'critical', detail: `${facts.principal} holds no admin role: Okta refuses every reset, unlock, sign-out, group or app change (403).` });
  }
  for (const role of facts.roles) {
    if (role === 'CUSTOM') {
      findings.push({ area, check: `role ${role}`, level: 'ok', detail: 'Custom role: make sure its resource set excludes admin groups and it holds the permissions below (doctor cannot read them).' });
      continue;
    }
    const verdict = ROLE_VERDICTS[role];
    if (!verdict) {
      findings.push({ area, check: `role ${role}`, level: 'warning', detail: 'unknown role type: review it' });
    } else if (verdict.level !== 'fits') {
      findings.push({ area, check: `role ${role}`, level: verdict.level, detail: verdict.detail });
    } else {
      const used = rowsServedBy(role).filter((key) => judged.includes(key));
      if (used.length === 0) findings.push({ area, check: `role ${role}`, level: 'warning', detail: `${verdict.detail} Not needed: no enabled action uses it. Remove it (least privilege).` });
      else findings.push({ area, check: `role ${role}`, level: verdict.broader ? 'warning' : 'ok', detail: verdict.broader ? `${verdict.detail} Needed for ${used.map(labelOf).join('; ')}, but ${verdict.broader}` : verdict.detail });
    }
  }

  // An enabled action no held role allows fails with 403 on its first write: critical, unless a custom
  // role (whose permissions this check cannot see) might allow it.
  for (const key of judged) {
    const row = oktaAccess(key);
    if (facts.roles.some((role) => row.roles.includes(role))) continue;
    const needs = `${roleName(row.roles[0])} or a custom role with ${row.permissions.join(', ')} (resource set without admin groups)`;
    findings.push(hasCustom
      ? { area, check: `admin role: ${key}`, level: 'warning', detail: `${row.label}: no standard role of ${facts.principal} allows it, so the custom role must hold ${row.permissions.join(', ')}.` }
      : { area, check: `admin role: ${key}`, level: 'critical', detail: `${row.label} is enabled but no admin role of ${facts.principal} allows it: Okta will refuse it (403 E0000006). Assign ${needs}.` });
  }
  if (judged.length > 0) {
    const permissions = [...new Set(['okta.users.read', ...judged.flatMap((key) => oktaAccess(key).permissions)])];
    findings.push({ area, check: 'admin roles: needed', level: 'info', detail: `${judged.map((key) => `${labelOf(key)}: ${roleName(oktaAccess(key).roles[0])}`).join('; ')} — or one custom role with ${permissions.join(', ')}, bound to a resource set without admin groups.` });
  }
  return findings;
}

function labelOf(key: OktaAccessKey): string {
  return oktaAccess(key).label;
}

/** `Group Membership Administrator (GROUP_MEMBERSHIP_ADMIN)`: the Admin Console name and the API type doctor shows as `role …`. */
function roleName(type: string | undefined): string {
  if (type === undefined) return 'a standard role';
  const label = OKTA_ROLE_LABELS[type];
  return label ? `${label} (${type})` : type;
}
