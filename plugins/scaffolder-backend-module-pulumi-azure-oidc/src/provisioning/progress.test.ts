import { EngineEvent } from '@pulumi/pulumi/automation';
import { diagnostic, resourceStep } from '../__testUtils__/events';
import { testPlan } from '../__testUtils__/plans';
import { fromPulumiEvent } from '../engine/automation/pulumiEvents';
import { EngineProgress, resourceLabels } from './progress';

const step = resourceStep;

describe('EngineProgress', () => {
  const plan = testPlan({
    subjectMode: 'environment',
    roleAssignments: [{ role: 'Reader' }],
  });
  const run = (events: EngineEvent[]) => {
    const info: string[] = [];
    const warn: string[] = [];
    const progress = new EngineProgress({
      labels: resourceLabels(plan),
      info: line => info.push(line),
      warn: line => warn.push(line),
      redact: text => text.replace(/hunter2/g, '***'),
    });
    // What Pulumi says, as the Automation API engine passes it on.
    for (const event of events.map(fromPulumiEvent)) {
      if (event) progress.handle(event);
    }
    return { info, warn };
  };

  it('writes one readable line per resource step and a summary', () => {
    const { info, warn } = run([
      step(
        'resourcePreEvent',
        'same',
        'pulumi:pulumi:Stack',
        'esc-azure-oidc-stack',
      ),
      step(
        'resourcePreEvent',
        'create',
        'azuread:index/application:Application',
        'application',
      ),
      step(
        'resOutputsEvent',
        'create',
        'azuread:index/application:Application',
        'application',
      ),
      step(
        'resOutputsEvent',
        'update',
        'azuread:index/servicePrincipal:ServicePrincipal',
        'service-principal',
      ),
      step(
        'resOutputsEvent',
        'create',
        'pulumi:providers:azuread',
        'default_6_9_1',
      ),
      step(
        'resOutputsEvent',
        'same',
        'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
        'credential-pulumi-esc-environment',
      ),
      step(
        'resOutputsEvent',
        'create',
        'azure-native:authorization:RoleAssignment',
        plan.roleAssignments[0].logicalName,
      ),
      step(
        'resourcePreEvent',
        'delete',
        'azure-native:authorization:RoleAssignment',
        'role-gone',
        {
          old: {
            inputs: {
              scope: '/subscriptions/s/resourceGroups/rg',
              roleDefinitionId: '/x/roleDefinitions/b24988ac',
            },
          },
        },
      ),
      step(
        'resOutputsEvent',
        'same',
        'pulumi:pulumi:Stack',
        'esc-azure-oidc-stack',
      ),
      {
        sequence: 9,
        timestamp: 0,
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 12,
          resourceChanges: { create: 2, update: 1, delete: 1, same: 2 },
          policyPacks: {},
        },
      },
    ]);
    expect(info).toEqual([
      "created: Entra application 'Pulumi ESC acme/payments/prod'",
      'updated: its service principal',
      "unchanged: federated credential 'pulumi-esc-environment' for pulumi:environments:org:acme:env:payments/prod",
      "created: role assignment 'Reader' on /subscriptions/11111111-2222-3333-4444-555555555555",
      'deleted: role assignment b24988ac on /subscriptions/s/resourceGroups/rg',
      'Pulumi finished in 12s: 2 created, 1 updated, 0 replaced, 1 deleted, 2 unchanged',
    ]);
    expect(warn).toEqual([]);
  });

  it('reports deletions once, whether or not the engine sends their outputs', () => {
    const { info } = run([
      step(
        'resourcePreEvent',
        'delete',
        'azure-native:authorization:RoleAssignment',
        'role-a',
      ),
      step(
        'resOutputsEvent',
        'delete',
        'azure-native:authorization:RoleAssignment',
        'role-a',
      ),
      {
        sequence: 2,
        timestamp: 0,
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 1,
          resourceChanges: {},
          policyPacks: {},
        },
      },
    ]);
    expect(info.filter(line => line.startsWith('deleted'))).toEqual([
      "deleted: RoleAssignment 'role-a'",
    ]);
  });

  it('warns of failed steps and warnings, leaving errors to the failure message', () => {
    const { warn, info } = run([
      step(
        'resOpFailedEvent',
        'create',
        'azure-native:authorization:RoleAssignment',
        plan.roleAssignments[0].logicalName,
      ),
      diagnostic(
        'error',
        '  AuthorizationFailed: client hunter2\n   cannot write roleAssignments\n',
      ),
      diagnostic('warning', 'slow replication'),
      diagnostic('info', 'provider chatter'),
      {
        sequence: 4,
        timestamp: 0,
        stdoutEvent: { message: 'raw engine output', color: 'never' },
      },
    ]);
    expect(warn).toEqual([
      "failed to create: role assignment 'Reader' on /subscriptions/11111111-2222-3333-4444-555555555555",
      'warning: slow replication',
    ]);
    expect(info).toEqual([]);
  });
});
