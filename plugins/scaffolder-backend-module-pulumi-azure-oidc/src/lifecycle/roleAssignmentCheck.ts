/**
 * The role assignments of an environment's identity, as ARM lists them to
 * the deployer, against those its stack holds: missing and extra ones.
 */
import {
  armFoldCase,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { DeployerSignInError } from '../azure/deployerTokens';
import { ResourceManager } from '../azure/resourceManager';
import { HeldRoleAssignment, StackState } from '../engine/stackModel';
import { ServiceRequestError } from '../http/httpClient';
import { CheckList } from './checks';

const NAME = 'role assignments';

/** Missing and extra assignments of the service principal, as ARM lists them. */
export async function checkRoleAssignments(
  readers: {
    resourceManager?: ResourceManager;
    roles: RoleCatalogue;
  },
  state: StackState,
  checks: CheckList,
  signal?: AbortSignal,
) {
  const { resourceManager } = readers;
  const identity = state.identity!;
  if (!resourceManager) {
    checks.skipped(
      NAME,
      'not run: the portal reads no Azure Resource Manager here',
    );
    return;
  }
  const subscriptions = new Set(
    [identity.subscriptionId, ...state.roleAssignments.map(subscriptionOf)]
      .filter(Boolean)
      .map(id => `/subscriptions/${id}`),
  );
  const found: HeldRoleAssignment[] = [];
  try {
    for (const scope of subscriptions) {
      for (const record of await resourceManager.roleAssignmentsOf(
        identity.servicePrincipalObjectId,
        scope,
        signal,
      )) {
        found.push({
          logicalName: '',
          name: record.name,
          scope: record.properties.scope,
          roleDefinitionId: record.properties.roleDefinitionId,
        });
      }
    }
  } catch (error) {
    if (error instanceof ServiceRequestError && error.status === 403) {
      checks.skipped(
        NAME,
        `not run: the deployer may not read role assignments (Microsoft.Authorization/roleAssignments/read): ${error.message}`,
      );
      return;
    }
    if (error instanceof DeployerSignInError) {
      checks.skipped(NAME, `not run: ${error.message}`);
      return;
    }
    throw error;
  }
  const missing = state.roleAssignments.filter(a => !found.some(sameAs(a)));
  const extra = found.filter(a => !state.roleAssignments.some(sameAs(a)));
  const describe = (a: HeldRoleAssignment) =>
    `${roleName(readers.roles, a.roleDefinitionId)} at ${a.scope}`;
  if (missing.length === 0 && extra.length === 0) {
    checks.passed(
      NAME,
      state.roleAssignments.length > 0
        ? `the service principal holds ${state.roleAssignments
            .map(describe)
            .join(', ')}, and nothing else`
        : 'the service principal holds no role assignment, as planned',
    );
    return;
  }
  checks.failed(
    NAME,
    [
      missing.length > 0 &&
        `missing: ${missing
          .map(describe)
          .join(', ')} (run the template again to restore it)`,
      extra.length > 0 &&
        `not granted by the portal: ${extra
          .map(describe)
          .join(
            ', ',
          )} (remove it in Azure, or ask for it in the template so that the portal owns it)`,
    ]
      .filter(Boolean)
      .join('; '),
  );
}

function roleName(roles: RoleCatalogue, roleDefinitionId: string): string {
  const id = roleDefinitionId.split('/').pop() ?? roleDefinitionId;
  return roles.find(id)?.name ?? `role ${id}`;
}

function subscriptionOf(assignment: HeldRoleAssignment): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(assignment.scope)?.[1];
}

/** The same role at the same scope, as ARM compares them. */
function sameAs(a: HeldRoleAssignment) {
  const role = (id: string) => id.split('/').pop()?.toLowerCase();
  return (b: HeldRoleAssignment) =>
    armFoldCase(a.scope) === armFoldCase(b.scope) &&
    role(a.roleDefinitionId) === role(b.roleDefinitionId);
}
