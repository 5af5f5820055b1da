/**
 * What an update of an existing environment changes, against what its
 * stack holds: credentials and role assignments added, removed or
 * replaced (Entra names a credential for good: another subject under the
 * same name replaces it), and whether the identity itself is new.
 */
import {
  ProvisionPlan,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { LOGICAL_NAMES, StackState } from '../engine/stackModel';
import { resourceLabels, stateLabels } from './progress';

export interface StackChange {
  change: 'add' | 'remove' | 'replace';
  label: string;
}

export function changesAgainstStack(
  plan: ProvisionPlan,
  state: StackState,
  roles: RoleCatalogue,
): { changes: StackChange[]; unchanged: number } {
  const planned = resourceLabels(plan);
  const held = stateLabels(state, roles);
  const changes: StackChange[] = [];
  let unchanged = 0;
  const heldNames = new Set(state.held.map(r => r.name));
  for (const name of [
    LOGICAL_NAMES.application,
    LOGICAL_NAMES.servicePrincipal,
  ]) {
    if (heldNames.has(name)) unchanged += 1;
    else changes.push({ change: 'add', label: planned.get(name)! });
  }
  const recorded = new Map(state.credentials.map(c => [c.logicalName, c]));
  for (const credential of plan.credentials) {
    const before = recorded.get(credential.logicalName);
    const label = planned.get(credential.logicalName)!;
    if (!before) changes.push({ change: 'add', label });
    else if (
      before.subject !== credential.subject ||
      before.issuer !== credential.issuer ||
      before.audience !== credential.audience ||
      before.name !== credential.name
    ) {
      changes.push({ change: 'replace', label });
    } else unchanged += 1;
  }
  const wanted = new Set(plan.credentials.map(c => c.logicalName));
  for (const credential of state.credentials) {
    if (!wanted.has(credential.logicalName)) {
      changes.push({
        change: 'remove',
        label: held.get(credential.logicalName)!,
      });
    }
  }
  const assigned = new Set(state.roleAssignments.map(r => r.logicalName));
  const kept = new Set<string>();
  for (const assignment of plan.roleAssignments) {
    const names = [assignment.logicalName, ...assignment.formerLogicalNames];
    const found = names.find(name => assigned.has(name));
    if (found) {
      kept.add(found);
      unchanged += 1;
    } else {
      changes.push({
        change: 'add',
        label: planned.get(assignment.logicalName)!,
      });
    }
  }
  for (const assignment of state.roleAssignments) {
    if (!kept.has(assignment.logicalName)) {
      changes.push({
        change: 'remove',
        label: held.get(assignment.logicalName)!,
      });
    }
  }
  return { changes, unchanged };
}

/** The changes as task log lines: `will add: …`, or `would add: …` in a dry run. */
export function describeStackChanges(
  diff: { changes: StackChange[]; unchanged: number },
  mood: 'will' | 'would',
): string[] {
  if (diff.changes.length === 0) {
    return [
      `No change against the stack: ${diff.unchanged} resources stay as they are (Azure and Entra are read again and brought back to them)`,
    ];
  }
  return [
    ...diff.changes.map(c => `${mood} ${c.change}: ${c.label}`),
    `${diff.unchanged} resources unchanged`,
  ];
}
