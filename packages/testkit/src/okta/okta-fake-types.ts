/** Seed and inspection types of the Okta Management API fake. Wire JSON is built in okta-wire-format.ts. */

export type OktaUserStatus =
  | 'ACTIVE'
  | 'DEPROVISIONED'
  | 'LOCKED_OUT'
  | 'PASSWORD_EXPIRED'
  | 'PROVISIONED'
  | 'RECOVERY'
  | 'STAGED'
  | 'SUSPENDED';

/** The Okta standard admin role types (spec: components.schemas.RoleType, standard subset). */
export type OktaStandardRoleType =
  | 'API_ACCESS_MANAGEMENT_ADMIN'
  | 'APP_ADMIN'
  | 'GROUP_MEMBERSHIP_ADMIN'
  | 'HELP_DESK_ADMIN'
  | 'MOBILE_ADMIN'
  | 'ORG_ADMIN'
  | 'READ_ONLY_ADMIN'
  | 'REPORT_ADMIN'
  | 'SUPER_ADMIN'
  | 'USER_ADMIN';

export interface SeedFactor {
  id?: string;
  factorType: 'push' | 'sms' | 'email' | 'token:software:totp' | 'question';
  status?: 'ACTIVE' | 'PENDING_ACTIVATION' | 'INACTIVE';
  /** Device name for push, E.164 phone number for sms (the spec's pattern), address for email. */
  label?: string;
}

export interface SeedUser {
  id?: string;
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  status?: OktaUserStatus;
  /** Extra profile attributes (title, department, employeeType…), strings only. */
  profile?: Record<string, string>;
  /** Group ids or names (a name is resolved against the seeded groups). */
  groups?: string[];
  roles?: OktaStandardRoleType[];
  factors?: SeedFactor[];
  /** Number of live IdP sessions; `DELETE …/sessions` sets it to 0. Default 1. */
  sessions?: number;
  /** Okta user risk (`GET /users/{id}/risk`); NONE when not given. */
  risk?: OktaRiskLevel;
}

/** Okta's user risk levels (spec: UserRiskLevelAll). */
export type OktaRiskLevel = 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';

/**
 * How the fake answers `GET /users/{id}/risk`: `enabled` (the risk engine is on), `feature_disabled`
 * (403 E0000015, the org has no Identity Threat Protection), `forbidden` (403 E0000006, the service
 * app lacks okta.userRisk.read).
 */
export type OktaRiskEngine = 'enabled' | 'feature_disabled' | 'forbidden';

export interface SeedApp {
  id?: string;
  /** What people call the app ("Figma"): the app's `label`. */
  label: string;
  /** The app's key name (`name`); default derived from the label, as OIN SAML apps have (`figma`). */
  name?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  /** User ids or logins with a direct (`scope: USER`) assignment. */
  assignedUsers?: string[];
}

export interface SeedGroup {
  id?: string;
  name: string;
  description?: string;
  /** Okta's own "Everyone" group is BUILT_IN; others are OKTA_GROUP. */
  type?: 'OKTA_GROUP' | 'BUILT_IN' | 'APP_GROUP';
}

/**
 * End users' access to a profile attribute: the action of its `permissions` entry for principal
 * `SELF` (Admin Console: Profile Editor → attribute → "User permission").
 */
export type OktaSelfPermission = 'READ_WRITE' | 'READ_ONLY' | 'HIDE';

/** The default user type's profile schema, as `GET /api/v1/meta/schemas/user/default` serves it. */
export interface SeedUserSchema {
  /**
   * SELF permission per attribute, merged over the fake's defaults (login, names, email and
   * mobilePhone READ_WRITE; title, department, manager and managerId READ_ONLY). A name that is not
   * one of the fake's base attributes becomes a custom (`#custom`) string attribute.
   */
  selfPermissions?: Record<string, OktaSelfPermission>;
  /**
   * false: the schema API answers 403 E0000006, as Okta does when the caller's token lacks
   * okta.schemas.read or its admin role may not read the schema. Default true.
   */
  readable?: boolean;
}

export interface OktaSeed {
  groups?: SeedGroup[];
  users?: SeedUser[];
  /** Seeded after the users, so `assignedUsers` can name them. */
  apps?: SeedApp[];
  userSchema?: SeedUserSchema;
}

export type PushResult = 'WAITING' | 'SUCCESS' | 'REJECTED' | 'TIMEOUT';

/** What the simulated phone shows: Okta never learns which action the push confirms, so no label here. */
export interface PendingPush {
  transactionId: string;
  userId: string;
  factorId: string;
  /** Present when the challenge was sent with `useNumberMatchingChallenge: true`. */
  correctAnswer?: number;
  /** Three numbers as Okta Verify shows them (the correct one among them), when number matching is on. */
  choices?: number[];
  createdAt: string;
  expiresAt: string;
  userAgent?: string;
}

/**
 * `apply_then_hang` applies the call (the state changes, the log shows its status) and never answers:
 * the caller cannot know whether it took effect — a worker killed right after Okta applied a write.
 *
 * `not_found` answers 404 E0000007 for a resource that exists: what a replica that has not caught up
 * with a just-created user answers (F12).
 */
export type FaultKind = 'rate_limit' | 'server_error' | 'hang' | 'reset' | 'not_found' | 'apply_then_hang';

export interface FaultSpec {
  /** Operation id from the Okta spec (`unlockUser`, `listUserGroups`…) or `*` for every API call. */
  operation: string;
  kind: FaultKind;
  /** How many matching calls fail; default 1. */
  times?: number;
  /** For `rate_limit`: seconds until X-Rate-Limit-Reset; default 30. */
  resetInSeconds?: number;
}

export interface LoggedRequest {
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** Spec operation id, `token`, `control` for /__control, `unknown` when no route matched. */
  operation: string;
  /** 0 when no response was sent (a `hang` or `reset` fault); for `apply_then_hang`, the status it would have sent. */
  status: number;
  requestId: string;
  at: string;
}
