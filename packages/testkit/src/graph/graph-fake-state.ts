import { randomUUID } from 'node:crypto';

/** Directory objects of the Graph fake, in the shapes Graph v1.0 returns (learn.microsoft.com resource types). */
export interface GraphSeedUser {
  id?: string;
  displayName: string;
  mail?: string;
  userPrincipalName: string;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  jobTitle?: string;
  department?: string;
  employeeType?: string;
  managerId?: string;
  riskLevel?: 'none' | 'low' | 'medium' | 'high' | 'hidden';
  /** Authentication methods as `@odata.type` names without the prefix, e.g. 'microsoftAuthenticatorAuthenticationMethod'. */
  methods?: string[];
  /** A privileged user: app-only password writes answer 403 Authorization_RequestDenied (F10). */
  protectedFromHelpdesk?: boolean;
}

export interface GraphSeedGroup {
  id?: string;
  displayName: string;
  isAssignableToRole?: boolean;
  /** Member ids (users or groups: nested groups make transitive membership). */
  members?: string[];
}

export interface GraphSeedApp {
  id?: string;
  displayName: string;
  /** Enterprise apps carry this tag; others (Microsoft first-party, managed identities) do not. */
  integrated?: boolean;
  accountEnabled?: boolean;
  appRoles?: { id: string; value: string; allowedMemberTypes: string[]; isEnabled?: boolean }[];
}

export interface GraphUser extends Required<Pick<GraphSeedUser, 'displayName' | 'userPrincipalName'>> {
  id: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  jobTitle: string | null;
  department: string | null;
  employeeType: string | null;
  managerId?: string;
  riskLevel: string;
  riskState: string;
  protectedFromHelpdesk: boolean;
  methods: { id: string; type: string }[];
  passwordProfile?: { password: string; forceChangePasswordNextSignIn: boolean };
  sessionsRevokedAt?: number;
  tap?: { id: string; temporaryAccessPass: string; lifetimeInMinutes: number; isUsableOnce: boolean };
  /** Writes on this user answer 404 this many more times (replication lag right after creation, F12). */
  lagWrites: number;
}

export interface GraphGroup {
  id: string;
  displayName: string;
  isAssignableToRole: boolean;
  members: string[];
}

export interface GraphApp {
  id: string;
  displayName: string;
  accountEnabled: boolean;
  tags: string[];
  appRoles: { id: string; value: string; allowedMemberTypes: string[]; isEnabled: boolean; displayName: string; description: string }[];
  assignments: { id: string; principalId: string; appRoleId: string; createdDateTime: string }[];
}

export interface GraphRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  roleName: string;
  /** `/` tenant-wide, `/administrativeUnits/{id}` for a role scoped to an administrative unit. */
  directoryScopeId: string;
}

/** A built-in directory role (its template id is its roleDefinitionId) and, optionally, the scope it is assigned at. */
export interface GraphRoleSeed {
  id: string;
  name: string;
  directoryScopeId?: string;
}

/** The tag Graph puts on service principals listed under "Enterprise applications" in the portal. */
export const INTEGRATED_APP_TAG = 'WindowsAzureActiveDirectoryIntegratedApp';

/**
 * Directory role template ids used by the fake: the real built-in role ids (learn.microsoft.com
 * "Microsoft Entra built-in roles", Template ID column).
 */
export const ENTRA_ROLES = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  privilegedRoleAdministrator: { id: 'e8611ab8-c189-46e8-94e1-60213ab1f814', name: 'Privileged Role Administrator' },
  privilegedAuthenticationAdministrator: { id: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', name: 'Privileged Authentication Administrator' },
  authenticationAdministrator: { id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', name: 'Authentication Administrator' },
  helpdeskAdministrator: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  passwordAdministrator: { id: '966707d0-3269-4727-9be2-8c3a10f19b9d', name: 'Password Administrator' },
  userAdministrator: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator' },
  applicationAdministrator: { id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', name: 'Application Administrator' },
  directoryReaders: { id: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', name: 'Directory Readers' },
} as const;

export class GraphDirectory {
  readonly users = new Map<string, GraphUser>();
  readonly groups = new Map<string, GraphGroup>();
  readonly apps = new Map<string, GraphApp>();
  readonly roleAssignments: GraphRoleAssignment[] = [];
  /** Users reported through riskyUsers/confirmCompromised. */
  readonly confirmedCompromised: string[] = [];

  addUser(seed: GraphSeedUser): string {
    const id = seed.id ?? randomUUID();
    const methods = (seed.methods ?? ['microsoftAuthenticatorAuthenticationMethod']).map((type) => ({ id: randomUUID(), type }));
    // Every user has a password method (id fixed by Graph) that cannot be deleted.
    methods.unshift({ id: '28c10230-6103-485e-b985-444c60001490', type: 'passwordAuthenticationMethod' });
    this.users.set(id, {
      id,
      displayName: seed.displayName,
      userPrincipalName: seed.userPrincipalName,
      mail: seed.mail ?? null,
      accountEnabled: seed.accountEnabled ?? true,
      userType: seed.userType ?? 'Member',
      jobTitle: seed.jobTitle ?? null,
      department: seed.department ?? null,
      employeeType: seed.employeeType ?? null,
      ...(seed.managerId ? { managerId: seed.managerId } : {}),
      riskLevel: seed.riskLevel ?? 'none',
      riskState: seed.riskLevel && seed.riskLevel !== 'none' ? 'atRisk' : 'none',
      protectedFromHelpdesk: seed.protectedFromHelpdesk ?? false,
      methods,
      lagWrites: 0,
    });
    return id;
  }

  addGroup(seed: GraphSeedGroup): string {
    const id = seed.id ?? randomUUID();
    this.groups.set(id, { id, displayName: seed.displayName, isAssignableToRole: seed.isAssignableToRole ?? false, members: [...(seed.members ?? [])] });
    return id;
  }

  addApp(seed: GraphSeedApp): string {
    const id = seed.id ?? randomUUID();
    this.apps.set(id, {
      id,
      displayName: seed.displayName,
      accountEnabled: seed.accountEnabled ?? true,
      tags: seed.integrated === false ? [] : [INTEGRATED_APP_TAG],
      appRoles: (seed.appRoles ?? []).map((r) => ({ ...r, isEnabled: r.isEnabled ?? true, displayName: r.value, description: r.value })),
      assignments: [],
    });
    return id;
  }

  assignRole(principalId: string, role: GraphRoleSeed): void {
    this.roleAssignments.push({ id: randomUUID(), principalId, roleDefinitionId: role.id, roleName: role.name, directoryScopeId: role.directoryScopeId ?? '/' });
  }

  /** Replaces every directory role assignment of a principal (a user, or an app's service principal object id). */
  setDirectoryRoles(principalId: string, roles: readonly GraphRoleSeed[]): void {
    for (let i = this.roleAssignments.length - 1; i >= 0; i -= 1) if (this.roleAssignments[i]?.principalId === principalId) this.roleAssignments.splice(i, 1);
    for (const role of roles) this.assignRole(principalId, role);
  }

  /** Every group the object is in, directly or through nested groups (transitiveMemberOf). */
  transitiveGroups(objectId: string): GraphGroup[] {
    const found = new Map<string, GraphGroup>();
    const visit = (id: string): void => {
      for (const group of this.groups.values()) {
        if (group.members.includes(id) && !found.has(group.id)) {
          found.set(group.id, group);
          visit(group.id);
        }
      }
    };
    visit(objectId);
    return [...found.values()];
  }
}
