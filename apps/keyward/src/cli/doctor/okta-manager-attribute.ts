import type { DoctorFinding } from './doctor-finding';
import type { OktaUserSchemaRead } from './okta-probe';

/**
 * The approver of group and app requests is the requester's manager, and the Okta adapter reads that
 * manager from the requester's own profile: `managerId` (an Okta user id) first, else `manager` (a
 * login) — packages/idp-okta getManager. If end users may edit either attribute, a requester can name
 * a friend, or a second account of their own, as approver. Okta's user schema says who may: each
 * attribute's `permissions` entry for principal `SELF` is READ_WRITE, READ_ONLY or HIDE (spec:
 * UserSchemaAttributePermission; Admin Console: Profile Editor → the attribute → "User permission").
 */
export const OKTA_MANAGER_ATTRIBUTES = ['managerId', 'manager'] as const;

const HOW_TO_FIX = 'Okta Admin Console → Directory → Profile Editor → User (default) →';

type Properties = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `definitions.base.properties` then `definitions.custom.properties` (custom names cannot shadow base ones). */
function schemaAttribute(schema: unknown, name: string): unknown {
  const definitions = isRecord(schema) ? schema['definitions'] : undefined;
  for (const part of ['base', 'custom']) {
    const sub = isRecord(definitions) ? definitions[part] : undefined;
    const properties: Properties | undefined = isRecord(sub) && isRecord(sub['properties']) ? sub['properties'] : undefined;
    if (properties && name in properties) return properties[name];
  }
  return undefined;
}

/** The actions granted to principal SELF (usually one). */
function selfActions(attribute: unknown): string[] {
  const permissions = isRecord(attribute) ? attribute['permissions'] : undefined;
  if (!Array.isArray(permissions)) return [];
  return permissions.filter((p): p is Record<string, unknown> => isRecord(p) && p['principal'] === 'SELF').map((p) => (typeof p['action'] === 'string' ? p['action'] : '(no action)'));
}

function judge(name: string, attribute: unknown): DoctorFinding {
  const area = 'Okta';
  const check = `manager attribute ${name}`;
  if (attribute === undefined) return { area, check, level: 'info', detail: 'not in the user schema: no approver can come from it' };
  const actions = selfActions(attribute);
  if (actions.includes('READ_WRITE')) {
    return { area, check, level: 'critical', detail: `users can edit their own ${name} (User permission: Read-Write), so a requester can name their own approver for group and app requests. Fix: ${HOW_TO_FIX} ${name} → User permission: Read Only.` };
  }
  if (actions.length > 0 && actions.every((a) => a === 'READ_ONLY' || a === 'HIDE')) {
    return { area, check, level: 'ok', detail: `users cannot edit it (User permission: ${actions.includes('HIDE') ? 'Hide' : 'Read Only'})` };
  }
  return { area, check, level: 'warning', detail: `the schema gives no end-user permission Keyward knows (${actions.join(', ') || 'no SELF entry'}): check by hand that ${HOW_TO_FIX} ${name} → User permission is Read Only or Hide.` };
}

/** Critical when users can edit an approver attribute, OK when they cannot, a warning when the schema could not be read. */
export function evaluateOktaManagerAttributes(read: OktaUserSchemaRead): DoctorFinding[] {
  if (!read.ok) {
    return [{
      area: 'Okta',
      check: 'manager attributes',
      level: 'warning',
      // Okta's spec lists only Org, App and API Access Management Administrators for getUserSchema, so a
      // least-privilege credential may be refused even with the scope: the by-hand check is the fallback.
      detail: `could not read the user schema (${read.reason}), so whether users can edit managerId / manager — and so choose the approver of their own group and app requests — is unchecked. Check by hand: ${HOW_TO_FIX} managerId and manager → User permission must be Read Only or Hide. (The doctor reads it with okta.schemas.read granted and in OKTA_SCOPES, and an admin role that may read the schema.)`,
    }];
  }
  return OKTA_MANAGER_ATTRIBUTES.map((name) => judge(name, schemaAttribute(read.schema, name)));
}
