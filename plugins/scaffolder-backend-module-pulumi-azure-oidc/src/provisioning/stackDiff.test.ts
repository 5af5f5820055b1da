import {
  ProvisionPlan,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { emptyStackState, StackState } from '../engine/stackModel';
import { testPlan } from '../__testUtils__/plans';
import { changesAgainstStack, describeStackChanges } from './stackDiff';

/** What the stack holds after an update of `plan`. */
function stateOf(plan: ProvisionPlan): StackState {
  return {
    ...emptyStackState(),
    resources: 2 + plan.credentials.length + plan.roleAssignments.length,
    held: [
      { urn: 'u:application', type: 'a', name: 'application' },
      { urn: 'u:service-principal', type: 's', name: 'service-principal' },
    ],
    credentials: plan.credentials,
    roleAssignments: plan.roleAssignments.map(r => ({
      logicalName: r.logicalName,
      name: r.roleAssignmentName,
      scope: r.scope.id,
      roleDefinitionId: r.roleDefinitionId,
    })),
  };
}

const roles = new RoleCatalogue();
const lines = (plan: ProvisionPlan, state: StackState) =>
  describeStackChanges(changesAgainstStack(plan, state, roles), 'will');

describe('the changes of an update, against the stack', () => {
  const before = testPlan({
    roleAssignments: [
      { role: 'Reader' },
      { role: 'Contributor', scope: 'rg-a' },
    ],
  });

  it('says when nothing changes', () => {
    expect(lines(before, stateOf(before))).toEqual([
      'No change against the stack: 5 resources stay as they are (Azure and Entra are read again and brought back to them)',
    ]);
  });

  it('names role assignments added and removed, and counts what stays', () => {
    const after = testPlan({
      roleAssignments: [
        { role: 'Reader' },
        { role: 'Contributor', scope: 'rg-b' },
      ],
    });
    expect(lines(after, stateOf(before))).toEqual([
      `will add: role assignment 'Contributor' on /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-b`,
      `will remove: role assignment 'Contributor' on /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-a`,
      '4 resources unchanged',
    ]);
  });

  it('replaces a credential whose subject changes under the same name, and adds a missing one', () => {
    const state = stateOf(before);
    const renamed = {
      ...state,
      credentials: state.credentials.map(c => ({
        ...c,
        subject: `${c.subject}-before`,
      })),
    };
    expect(lines(before, renamed)[0]).toMatch(
      /^will replace: federated credential 'pulumi-esc-current-environment' for pulumi:environments:/,
    );
    expect(lines(before, { ...state, credentials: [] })[0]).toMatch(
      /^will add: federated credential 'pulumi-esc-current-environment'/,
    );
  });

  it('keeps assignments a stack holds under the name earlier versions gave them', () => {
    const state = stateOf(before);
    state.roleAssignments[0].logicalName = 'role-former-name';
    const plan = {
      ...before,
      roleAssignments: [
        {
          ...before.roleAssignments[0],
          formerLogicalNames: ['role-former-name'],
        },
        before.roleAssignments[1],
      ],
    };
    expect(changesAgainstStack(plan, state, roles).changes).toEqual([]);
  });

  it('adds the identity itself when the stack holds none', () => {
    expect(
      changesAgainstStack(before, emptyStackState(), roles).changes.map(
        c => c.change,
      ),
    ).toEqual(Array(5).fill('add'));
  });
});
