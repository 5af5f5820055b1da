/**
 * The Azure Resource Manager calls the module makes itself, as the
 * deploying principal: reads of role assignments (REST API 2022-04-01,
 * the version @pulumi/azure-native's RoleAssignment uses).
 */
import { AzureReader, readAzure } from './azureRead';

const API_VERSION = '2022-04-01';

export interface RoleAssignmentRecord {
  /** `<scope>/providers/Microsoft.Authorization/roleAssignments/<name>`. */
  id: string;
  name: string;
  properties: {
    principalId: string;
    principalType?: string;
    roleDefinitionId: string;
    scope: string;
  };
}

export class ResourceManager {
  constructor(private readonly reader: AzureReader) {}

  /** The role assignment with this name at this scope, if Azure has one. */
  async roleAssignment(
    scope: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<RoleAssignmentRecord | undefined> {
    return this.get<RoleAssignmentRecord>(
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${encodeURIComponent(
        name,
      )}?api-version=${API_VERSION}`,
      `reading the role assignment ${name} at ${scope}`,
      signal,
    );
  }

  /**
   * Every role assignment of a principal at, above or below a scope:
   * ARM's "Role Assignments - List For Scope" with
   * `$filter=principalId eq '<id>'` (learn.microsoft.com/rest/api/
   * authorization/role-assignments/list-for-scope), pages followed.
   */
  async roleAssignmentsOf(
    principalId: string,
    scope: string,
    signal?: AbortSignal,
  ): Promise<RoleAssignmentRecord[]> {
    const assignments: RoleAssignmentRecord[] = [];
    let path:
      | string
      | undefined = `${scope}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(
      `principalId eq '${principalId}'`,
    )}&api-version=${API_VERSION}`;
    while (path) {
      const page: { value?: RoleAssignmentRecord[]; nextLink?: string } =
        (await this.get(
          path,
          `listing the role assignments of ${principalId} at ${scope}`,
          signal,
        )) ?? {};
      assignments.push(...(page.value ?? []));
      path =
        page.nextLink &&
        new URL(page.nextLink).pathname + new URL(page.nextLink).search;
    }
    return assignments;
  }

  private get<T>(path: string, operation: string, signal?: AbortSignal) {
    return readAzure<T>(
      this.reader,
      'resourceManager',
      path,
      operation,
      signal,
    );
  }
}
