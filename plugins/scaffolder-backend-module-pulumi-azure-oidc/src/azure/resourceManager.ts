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
