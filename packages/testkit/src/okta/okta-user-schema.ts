import type { OktaSelfPermission, SeedUserSchema } from './okta-fake-types';

/**
 * The default user type's profile schema (`GET /api/v1/meta/schemas/user/default`, operationId
 * getUserSchema). Shape from the spec's UserSchema and its UserSchemaDefaultResponse example: base
 * attributes under `definitions.base.properties`, custom ones under `definitions.custom.properties`,
 * each with `permissions: [{ principal: 'SELF', action }]` — what end users may do with the attribute
 * in their own profile. `keyward doctor` reads it: an approver attribute users can write
 * (managerId/manager READ_WRITE) lets a requester name their own approver.
 */
export interface UserSchemaRecord {
  /** Attribute → SELF permission; base attributes first, in the fake's order. */
  selfPermissions: Map<string, OktaSelfPermission>;
  readable: boolean;
  created: number;
  lastUpdated: number;
}

/** The schema id real orgs give the default user type's schema (`osc…`); `default` is its alias. */
export const DEFAULT_USER_SCHEMA_ID = 'osc1defaultuserschema';

const SELF_PERMISSIONS: readonly OktaSelfPermission[] = ['READ_WRITE', 'READ_ONLY', 'HIDE'];

/** Base attributes the fake lists (a subset of the spec's UserSchemaBaseProperties) with Okta's titles and defaults. */
const BASE_ATTRIBUTES: Record<string, { title: string; self: OktaSelfPermission; required?: boolean; format?: string; minLength?: number; maxLength?: number }> = {
  login: { title: 'Username', self: 'READ_WRITE', required: true, minLength: 5, maxLength: 100 },
  firstName: { title: 'First name', self: 'READ_WRITE', required: true, minLength: 1, maxLength: 50 },
  lastName: { title: 'Last name', self: 'READ_WRITE', required: true, minLength: 1, maxLength: 50 },
  email: { title: 'Primary email', self: 'READ_WRITE', required: true, format: 'email' },
  mobilePhone: { title: 'Mobile phone', self: 'READ_WRITE', maxLength: 100 },
  title: { title: 'Title', self: 'READ_ONLY' },
  department: { title: 'Department', self: 'READ_ONLY' },
  manager: { title: 'Manager', self: 'READ_ONLY' },
  managerId: { title: 'ManagerId', self: 'READ_ONLY' },
};

const REQUIRED_BASE = Object.entries(BASE_ATTRIBUTES).filter(([, a]) => a.required).map(([name]) => name);

export function defaultUserSchema(now: number): UserSchemaRecord {
  return { selfPermissions: new Map(Object.entries(BASE_ATTRIBUTES).map(([name, a]) => [name, a.self])), readable: true, created: now, lastUpdated: now };
}

/** Merges a seed over the current schema; an unknown permission is refused (the control API answers 400). */
export function applyUserSchemaSeed(record: UserSchemaRecord, seed: SeedUserSchema, now: number): void {
  for (const [name, action] of Object.entries(seed.selfPermissions ?? {})) {
    if (!SELF_PERMISSIONS.includes(action)) throw new Error(`userSchema.selfPermissions.${name}: ${String(action)} is not one of ${SELF_PERMISSIONS.join(', ')}`);
    record.selfPermissions.set(name, action);
  }
  if (seed.readable !== undefined) record.readable = seed.readable;
  record.lastUpdated = now;
}

type Json = Record<string, unknown>;

function attributeJson(title: string, self: OktaSelfPermission, extra: Json = {}): Json {
  return {
    title,
    type: 'string',
    ...extra,
    mutability: 'READ_WRITE',
    scope: 'NONE',
    permissions: [{ principal: 'SELF', action: self }],
    master: { type: 'PROFILE_MASTER' },
  };
}

export function userSchemaJson(base: string, record: UserSchemaRecord): Json {
  const baseProperties: Json = {};
  const customProperties: Json = {};
  for (const [name, self] of record.selfPermissions) {
    const known = BASE_ATTRIBUTES[name];
    if (known) {
      const { title, self: _default, ...constraints } = known;
      baseProperties[name] = attributeJson(title, self, constraints);
    } else {
      customProperties[name] = attributeJson(name, self, { required: false });
    }
  }
  return {
    id: `${base}/meta/schemas/user/${DEFAULT_USER_SCHEMA_ID}`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    name: 'user',
    title: 'User',
    created: new Date(record.created).toISOString(),
    lastUpdated: new Date(record.lastUpdated).toISOString(),
    definitions: {
      base: { id: '#base', type: 'object', properties: baseProperties, required: REQUIRED_BASE },
      custom: { id: '#custom', type: 'object', properties: customProperties, required: [] },
    },
    type: 'object',
    properties: { profile: { allOf: [{ $ref: '#/definitions/base' }, { $ref: '#/definitions/custom' }] } },
    _links: { self: { href: `${base}/api/v1/meta/schemas/user/${DEFAULT_USER_SCHEMA_ID}` } },
  };
}
