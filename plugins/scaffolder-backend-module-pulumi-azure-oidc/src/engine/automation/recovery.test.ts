/**
 * A run that died half-way, and what the next run makes of it: at the
 * Automation API boundary, with a stack whose updates create, refuse and
 * import as the real providers do (see __testUtils__/fakeAzureStack.ts).
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { AzureStandIn, azureStandIn } from '@esc-azure-oidc/test-utils';
import { randomUUID } from 'node:crypto';
import { standInReaders } from '../../__testUtils__/azureReaders';
import { automationEngineOver } from '../../__testUtils__/automationEngine';
import {
  fakeAzureStack,
  FakeAzureStack,
} from '../../__testUtils__/fakeAzureStack';
import { testPlan } from '../../__testUtils__/plans';
import { ApplyOptions, StackLockedError } from '../engine';
import { RESOURCE_TYPES } from '../stackModel';
import {
  adoptionsFromFailures,
  ApplicationNameTakenError,
  RecoveryServices,
} from './adoptions';

describe('recovery from a run that died half-way', () => {
  const dir = createMockDirectory();
  let azure: AzureStandIn;
  let services: RecoveryServices;
  let notices: string[];

  beforeEach(async () => {
    azure = await azureStandIn();
    notices = [];
    services = standInReaders(azure);
  });
  afterEach(() => azure.close());

  const plan = testPlan({
    roleAssignments: [
      { role: 'Reader' },
      { role: 'Contributor', scope: 'rg-payments' },
    ],
  });
  const [reader, contributor] = plan.roleAssignments;

  const engineOver = (stack: FakeAzureStack) =>
    automationEngineOver({
      dataDirectory: dir.path,
      config: { azure: { tenantId: azure.tenantId } },
      recovery: services,
      createOrSelectStack: async () => stack,
    });
  const options = (afterStoppedRun?: string): ApplyOptions => ({
    onEvent: event => {
      if (event.type === 'notice') notices.push(event.message);
    },
    authorize: () => {},
    afterStoppedRun,
  });
  // The lease of the run that died, expired, says for whom it ran.
  const STOPPED_RUN = 'a provision run by user:default/ada';
  const inState = (stack: FakeAzureStack, type: string) =>
    stack.resources.filter(r => r.type === type);

  it('adopts a role assignment the dead run made, under the name the plan derives, and ends with it in state', async () => {
    const stack = fakeAzureStack(azure, { crashAt: contributor.logicalName });
    await expect(engineOver(stack).apply(plan, options())).rejects.toThrow();
    expect(stack.pending).toHaveLength(1);
    expect(azure.roleAssignments).toHaveLength(2);

    stack.crashAt = undefined;
    await expect(
      engineOver(stack).apply(plan, options(STOPPED_RUN)),
    ).resolves.toMatchObject({
      outputs: { environmentRef: 'acme/payments/prod' },
    });
    expect(stack.pending).toEqual([]);
    expect(azure.roleAssignments.map(a => a.name).sort()).toEqual(
      [reader.roleAssignmentName, contributor.roleAssignmentName].sort(),
    );
    expect(inState(stack, RESOURCE_TYPES.roleAssignment)).toHaveLength(2);
    expect(stack.imports.flat()).toEqual([contributor.logicalName]);
    expect(stack.locked).toBe(false);
    expect(notices).toEqual([
      'A run of acme/payments/prod stopped half-way: clearing the operations it left pending in the stack before looking for what it made',
      `The stack is still locked by the update of ${STOPPED_RUN}, which stopped without finishing: cancelling that update (pulumi cancel) and going on`,
      `Taking into the stack what exists already and the stack did not know: ${contributor.logicalName}`,
    ]);
  });

  it('leaves a locked stack alone when no lease says its run stopped: someone may be updating it', async () => {
    const stack = fakeAzureStack(azure, { crashAt: contributor.logicalName });
    await expect(engineOver(stack).apply(plan, options())).rejects.toThrow();
    stack.crashAt = undefined;
    await expect(
      engineOver(stack).apply(plan, options()),
    ).rejects.toBeInstanceOf(StackLockedError);
    expect(stack.locked).toBe(true);
    expect(stack.pending).toHaveLength(1);
    expect(notices.join('\n')).not.toContain('pulumi cancel');
  });

  it('adopts the application of a run that died creating it, instead of a second one or a refusal', async () => {
    const stack = fakeAzureStack(azure, { crashAt: 'application' });
    await expect(engineOver(stack).apply(plan, options())).rejects.toThrow();
    stack.crashAt = undefined;
    await engineOver(stack).apply(plan, options(STOPPED_RUN));
    expect(azure.applications).toHaveLength(1);
    expect(inState(stack, RESOURCE_TYPES.application)[0].id).toBe(
      `/applications/${azure.applications[0].id}`,
    );
    expect(stack.imports[1]).toEqual(['application']);
  });

  it('adopts a federated credential the dead run made, found by its name', async () => {
    const [credential] = plan.credentials;
    const stack = fakeAzureStack(azure, { crashAt: credential.logicalName });
    await expect(engineOver(stack).apply(plan, options())).rejects.toThrow();
    stack.crashAt = undefined;
    await engineOver(stack).apply(plan, options(STOPPED_RUN));
    expect(azure.applications[0].federatedIdentityCredentials).toHaveLength(1);
    expect(stack.imports.flat()).toEqual([credential.logicalName]);
  });

  it('re-adopts everything when the stack was lost, from the objects the portal tagged', async () => {
    await engineOver(fakeAzureStack(azure)).apply(plan, options());
    const lost = fakeAzureStack(azure);
    await engineOver(lost).apply(plan, options());
    expect(azure.applications).toHaveLength(1);
    expect(azure.roleAssignments).toHaveLength(2);
    expect(lost.imports[0].sort()).toEqual(
      [
        'application',
        plan.credentials[0].logicalName,
        reader.logicalName,
        contributor.logicalName,
      ].sort(),
    );
    expect(inState(lost, RESOURCE_TYPES.roleAssignment)).toHaveLength(2);
  });

  it('adopts an assignment of the same role and scope made under another name (RoleAssignmentExists)', async () => {
    const stack = fakeAzureStack(azure);
    await engineOver(stack).apply(
      testPlan({ roleAssignments: [{ role: 'Reader' }] }),
      options(),
    );
    // Someone grants the service principal Contributor by hand, under a name of their own.
    const manual = randomUUID();
    const principalId = azure.servicePrincipals[0].id;
    azure.roleAssignments.push({
      id: `${contributor.scope.id}/providers/Microsoft.Authorization/roleAssignments/${manual}`,
      name: manual,
      properties: {
        scope: contributor.scope.id,
        principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionId: contributor.roleDefinitionId,
      },
    });
    await engineOver(stack).apply(plan, options());
    expect(azure.roleAssignments).toHaveLength(2);
    const adopted = inState(stack, RESOURCE_TYPES.roleAssignment).find(
      r => r.inputs.roleDefinitionId === contributor.roleDefinitionId,
    );
    expect(adopted?.inputs.roleAssignmentName).toBe(manual);
  });

  it("refuses, before any change, an application of the same name that is not this environment's", async () => {
    azure.applications.push({
      id: 'someone-elses',
      appId: 'client',
      displayName: plan.application.displayName,
      tags: [],
      federatedIdentityCredentials: [],
    });
    const stack = fakeAzureStack(azure);
    const run = engineOver(stack).apply(plan, options());
    await expect(run).rejects.toBeInstanceOf(ApplicationNameTakenError);
    await expect(run).rejects.toThrow(
      "Cannot provision acme/payments/prod: Entra already has an application named 'Pulumi ESC acme/payments/prod' (object id someone-elses) that the portal did not make for this environment. Rename or remove it in Entra, or hand it to the portal by adding the tag 'pulumi-esc-environment:acme/payments/prod' to it.",
    );
    expect(stack.resources).toEqual([]);
  });

  it("reads the providers' refusals: Graph's duplicate name (adopted when tagged as ours)", async () => {
    azure.applications.push({
      id: 'ours',
      appId: 'client',
      displayName: plan.application.displayName,
      tags: plan.application.tags,
      federatedIdentityCredentials: [],
    });
    const duplicate = `An existing "azuread_application" with name "${plan.application.displayName}" (ID: "ours") was found and \`prevent_duplicate_names\` was specified.`;
    await expect(
      adoptionsFromFailures(plan, [{ message: duplicate }], services),
    ).resolves.toEqual({ application: { id: '/applications/ours' } });
    azure.applications[0].tags = [];
    await expect(
      adoptionsFromFailures(plan, [{ message: duplicate }], services),
    ).rejects.toBeInstanceOf(ApplicationNameTakenError);
    await expect(
      adoptionsFromFailures(
        plan,
        [{ message: 'error: quota exceeded' }],
        services,
      ),
    ).resolves.toEqual({});
  });
});
