import type { ActionKind } from '../domain/intent';

/** The IdP port: Okta, Entra ID and the sandbox implement it. Every read that a decision depends on is uncached. */
export type IdpUserStatus = 'ACTIVE' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED' | 'PASSWORD_EXPIRED' | 'RECOVERY' | 'PROVISIONED' | 'STAGED' | 'OTHER';

export interface IdpUser {
  id: string;
  login: string;
  email?: string;
  displayName: string;
  status: IdpUserStatus;
  /** Profile attributes a policy may match on (title, department, employeeType…), strings only. */
  attributes: Record<string, string>;
}

export interface IdpGroup {
  id: string;
  name: string;
}

export interface IdpApp {
  id: string;
  /** The app's label as people know it ("Figma"). */
  name: string;
}

/** IdP's own risk verdict on a user (Okta user risk, Entra riskyUsers). `unknown` when not available. */
export type IdpRiskLevel = 'none' | 'low' | 'medium' | 'high' | 'unknown';

export interface IdpWriteResult {
  /** The IdP's own request id (Okta X-Okta-Request-Id, Graph request-id), for the audit join. */
  idpRequestId?: string;
  /** `already_done` when the IdP says there was nothing to do (already unlocked…): counts as success. */
  outcome: 'done' | 'already_done';
}

export interface ResetPasswordResult extends IdpWriteResult {
  /** One-time reset link (Okta) or temporary password (Entra). Secret: never logged, never in chat history. */
  secret: { kind: 'reset_link' | 'temporary_password'; value: string };
}

export interface ResetFactorsResult extends IdpWriteResult {
  /**
   * Entra ID: a Temporary Access Pass the user signs in with to enrol new methods. Secret: delivered
   * through the vault like a temporary password. Absent when the IdP re-enrols at next sign-in (Okta).
   */
  secret?: { kind: 'temporary_access_pass'; value: string };
}

export interface IdentityProvider {
  readonly name: 'okta' | 'entra' | 'sandbox';
  /**
   * Actions this IdP has no API for (Entra ID: account unlock — smart lockout ends by itself).
   * Checked before any step-up, so nobody passes MFA for something that cannot be done.
   */
  readonly unsupportedActions?: readonly ActionKind[];
  /** All users whose primary email equals `email` exactly (case-insensitive). Callers require exactly one. */
  findUsersByEmail(email: string): Promise<IdpUser[]>;
  getUser(userId: string): Promise<IdpUser>;
  /** Names of the admin roles the user holds (Okta SUPER_ADMIN, ORG_ADMIN…). Empty when none. */
  listAdminRoles(userId: string): Promise<string[]>;
  /** Every group the user is in (all pages). */
  listGroups(userId: string): Promise<IdpGroup[]>;
  /** The user's manager (Okta: profile.managerId / manager; Entra: /manager). Undefined when none is set. */
  getManager(userId: string): Promise<IdpUser | undefined>;
  /** Risk signal for the refusal patterns; `unknown` when the org has no risk engine or no permission. */
  getUserRisk(userId: string): Promise<IdpRiskLevel>;
  /** The group with exactly this name, or undefined. Names come from the policy catalogue only. */
  findGroupByName(name: string): Promise<IdpGroup | undefined>;
  /** Active applications (all pages). */
  listApps(): Promise<IdpApp[]>;
  resetPassword(userId: string, options: { revokeSessions: boolean; requestId: string }): Promise<ResetPasswordResult>;
  unlock(userId: string, options: { requestId: string }): Promise<IdpWriteResult>;
  /**
   * Signs the user out everywhere. `compromiseSuspected`: the user thinks someone has their password;
   * IdPs with a risk engine also get the signal (Entra ID Protection confirmCompromised).
   */
  clearSessions(userId: string, options: { requestId: string; compromiseSuspected?: boolean }): Promise<IdpWriteResult>;
  /** Already a member → `already_done` (F09). */
  addGroupMember(groupId: string, userId: string, options: { requestId: string }): Promise<IdpWriteResult>;
  /** Not a member → `already_done`. Only ever removes the membership, never the user object. */
  removeGroupMember(groupId: string, userId: string, options: { requestId: string }): Promise<IdpWriteResult>;
  /** Already assigned → `already_done`. Provisioning downstream (SCIM) is the IdP's job. */
  assignApp(appId: string, userId: string, options: { requestId: string }): Promise<IdpWriteResult>;
  unassignApp(appId: string, userId: string, options: { requestId: string }): Promise<IdpWriteResult>;
  /** Removes every enrolled factor so the user re-enrols at next sign-in (Okta reset_factors). */
  resetFactors(userId: string, options: { requestId: string }): Promise<ResetFactorsResult>;
}
