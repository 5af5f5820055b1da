/**
 * The catalogue of Azure roles the portal can assign, by name or GUID.
 */
import { armNamesEqual } from './armNames';
import { isGuid } from './names';

export interface RoleDefinition {
  /** The role's name, as the Azure portal shows it. */
  name: string;
  /** The role definition's GUID, the same in every tenant for built-in roles. */
  id: string;
  /** Whether the role can grant access to others, and so widen itself. */
  privileged: boolean;
}

/**
 * Built-in roles known to every portal. Owner, User Access Administrator and
 * Role Based Access Control Administrator can assign roles: they are
 * privileged and refused unless a platform team allows them explicitly.
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  {
    name: 'Reader',
    id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    privileged: false,
  },
  {
    name: 'Contributor',
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    privileged: false,
  },
  {
    name: 'Key Vault Secrets User',
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    privileged: false,
  },
  {
    name: 'Owner',
    id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    privileged: true,
  },
  {
    name: 'User Access Administrator',
    id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    privileged: true,
  },
  {
    name: 'Role Based Access Control Administrator',
    id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    privileged: true,
  },
];

/** Roles by name or GUID, in any ASCII letter case: the built-ins plus a platform's own. */
export class RoleCatalogue {
  private readonly roles: RoleDefinition[];

  /**
   * @param additions - custom or further built-in roles. A role whose GUID
   * is already known replaces the known entry, so a platform can rename or
   * re-classify a built-in.
   */
  constructor(additions: RoleDefinition[] = []) {
    for (const role of additions) {
      if (!isGuid(role.id)) {
        throw new Error(
          `The role '${role.name}' has the id '${role.id}', which is not a GUID`,
        );
      }
      // Renaming a privileged built-in must not make it requestable as an
      // ordinary role: Azure grants by GUID, whatever the name says.
      const builtIn = BUILT_IN_ROLES.find(r => r.id === role.id.toLowerCase());
      if (builtIn?.privileged && !role.privileged) {
        throw new Error(
          `The role '${role.name}' has the id of ${builtIn.name} (${builtIn.id}), which can grant access to others; it must be declared privileged`,
        );
      }
    }
    const added = new Set(additions.map(r => r.id.toLowerCase()));
    this.roles = [
      ...BUILT_IN_ROLES.filter(r => !added.has(r.id)),
      ...additions.map(r => ({ ...r, id: r.id.toLowerCase() })),
    ];
  }

  /** The role with this name or GUID, if the catalogue has it. */
  find(nameOrId: string): RoleDefinition | undefined {
    const key = nameOrId.trim();
    return this.roles.find(
      r => armNamesEqual(r.id, key) || armNamesEqual(r.name, key),
    );
  }

  list(): readonly RoleDefinition[] {
    return this.roles;
  }
}

/** The id Azure expects in a role assignment, within the subscription. */
export function roleDefinitionId(
  subscriptionId: string,
  roleId: string,
): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
