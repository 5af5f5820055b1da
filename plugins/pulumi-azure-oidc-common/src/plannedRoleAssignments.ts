/**
 * The role assignments of a plan: which role, at which canonical scope,
 * under which names in the stack and in Azure.
 */
import { v5 as uuidv5 } from 'uuid';
import { armFoldCase } from './armNames';
import { resolveRequestedRole } from './guardrails';
import { fingerprint } from './hash';
import type { FieldRuleContext, RoleAssignmentRequest } from './request';
import { RoleDefinition, roleDefinitionId } from './roles';
import { AzureScope, parseScope } from './scopes';

export interface PlannedRoleAssignment {
  role: RoleDefinition;
  scope: AzureScope;
  roleDefinitionId: string;
  /** Derived from role and scope: the same assignment keeps its name across runs. */
  logicalName: string;
  /** Names earlier versions derived for the same assignment, kept as aliases. */
  formerLogicalNames: string[];
  /**
   * Azure's name of the assignment (a GUID): the one the stack holds, or one
   * derived from environment, role and scope, so that a run repeated after a
   * crash finds the assignment it made instead of making a second.
   */
  roleAssignmentName: string;
}

/** The namespace of the portal's name-based role assignment names (UUID v5). */
const ROLE_ASSIGNMENT_NAMESPACE = '668d3b24-b728-49c2-93b2-6c4d4723a5f5';

/** A name-based UUID of environment, role and scope: the same on every run. */
export function roleAssignmentName(
  environmentRef: string,
  assignment: Pick<PlannedRoleAssignment, 'role' | 'scope'>,
): string {
  return uuidv5(
    [environmentRef, assignment.role.id, armFoldCase(assignment.scope.id)].join(
      '\n',
    ),
    ROLE_ASSIGNMENT_NAMESPACE,
  );
}

/**
 * The assignments of requests the field rules accepted; Azure names are
 * those the stack records, or derived.
 */
export function planRoleAssignments(
  requests: RoleAssignmentRequest[],
  options: {
    subscriptionId: string;
    environmentRef: string;
    context: FieldRuleContext;
    recordedNames: Record<string, string>;
  },
): PlannedRoleAssignment[] {
  const { subscriptionId, context } = options;
  return requests.map(request => {
    const resolved = resolveRequestedRole(
      context.guardrails,
      context.roles,
      request.role,
    );
    const parsed = parseScope(request.scope, subscriptionId);
    if ('problem' in resolved || 'problem' in parsed) {
      throw new Error(
        'planRoleAssignments needs requests the field rules accepted',
      );
    }
    const { role } = resolved;
    const { scope } = parsed;
    const logicalName = `role-${role.id}-${fingerprint(armFoldCase(scope.id))}`;
    // Earlier versions folded scopes with toLowerCase(), which differs from
    // ours for some letters outside ASCII.
    const formerName = `role-${role.id}-${fingerprint(scope.id.toLowerCase())}`;
    return {
      role,
      scope,
      roleDefinitionId: roleDefinitionId(subscriptionId.toLowerCase(), role.id),
      logicalName,
      formerLogicalNames: formerName === logicalName ? [] : [formerName],
      roleAssignmentName:
        options.recordedNames[logicalName] ??
        roleAssignmentName(options.environmentRef, { role, scope }),
    };
  });
}
