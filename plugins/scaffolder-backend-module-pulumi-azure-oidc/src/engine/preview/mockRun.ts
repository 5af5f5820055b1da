/**
 * Runs the real program under Pulumi's mocks: no CLI, no cloud, placeholder
 * ids. This is what a scaffolder dry run shows.
 *
 * Pulumi keeps its runtime settings (the monitor, the stack, the mocks) per
 * thread unless a run brings a store of its own, which only its internal API
 * offers. So one mock run at a time per thread: the preview runner gives
 * each run a worker thread or a turn.
 */
import * as pulumi from '@pulumi/pulumi';
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { escAzureOidcProgram } from '../program';
import { Adoptions, EscAzureOidcOutputs } from '../stackModel';
import { PULUMI_PROJECT } from '../stackNames';
import { PLACEHOLDERS } from './placeholders';

/** A resource the program would register, with the inputs it would send, in registration order. */
export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The id of an existing object the resource adopts (Pulumi's `import`). */
  importId?: string;
}

export interface MockRunResult {
  resources: PlannedResource[];
  outputs: EscAzureOidcOutputs;
}

export interface MockRunOptions {
  stackName: string;
  /** The tenant, when configured; a placeholder otherwise. */
  tenantId?: string;
  /** Objects the run would adopt (a real run's recovery decides them). */
  adopt?: Adoptions;
}

/** The one function the program calls: who is deploying, in which tenant. */
export const GET_CLIENT_CONFIG =
  'azuread:index/getClientConfig:getClientConfig';

/**
 * Runs a program under Pulumi's mocks, in a runtime of its own; resolves to
 * the stack's outputs once every resource has registered.
 */
export async function runUnderMocks(
  program: () => Promise<Record<string, unknown>>,
  mocks: pulumi.runtime.Mocks,
  options: { stackName: string; organization: string },
): Promise<Record<string, unknown>> {
  await pulumi.runtime.setMocks(
    mocks,
    PULUMI_PROJECT,
    options.stackName,
    false,
    options.organization,
  );
  try {
    return (await pulumi.runtime.runInPulumiStack(program)) as Record<
      string,
      unknown
    >;
  } finally {
    // Resources whose outputs the stack does not export may still be
    // registering: wait for every call to the (mock) engine, as a real run
    // does, so that nothing of this run reaches the next.
    await pulumi.runtime.disconnect().catch(() => undefined);
  }
}

export async function mockRun(
  plan: ProvisionPlan,
  options: MockRunOptions,
): Promise<MockRunResult> {
  const resources: PlannedResource[] = [];
  const outputs = await runUnderMocks(
    escAzureOidcProgram(plan, options.adopt),
    {
      newResource(args) {
        if (
          args.type !== 'pulumi:pulumi:Stack' &&
          !args.type.startsWith('pulumi:providers:')
        ) {
          resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            ...(args.id ? { importId: args.id } : {}),
          });
        }
        return placeholderResource(args);
      },
      call(args) {
        if (args.token === GET_CLIENT_CONFIG) {
          return {
            tenantId: options.tenantId ?? PLACEHOLDERS.tenantId,
            clientId: '<deploying client id>',
            objectId: PLACEHOLDERS.deployerObjectId,
          };
        }
        throw new Error(`The dry run does not know the function ${args.token}`);
      },
    },
    { ...options, organization: plan.environment.organization },
  );
  return { resources, outputs: outputs as EscAzureOidcOutputs };
}

function placeholderResource(args: pulumi.runtime.MockResourceArgs): {
  id: string;
  state: Record<string, unknown>;
} {
  const inputs = args.inputs;
  switch (args.type) {
    case 'azuread:index/application:Application':
      return {
        id: `/applications/${PLACEHOLDERS.applicationObjectId}`,
        state: {
          ...inputs,
          clientId: PLACEHOLDERS.clientId,
          objectId: PLACEHOLDERS.applicationObjectId,
        },
      };
    case 'azuread:index/servicePrincipal:ServicePrincipal':
      return {
        id: PLACEHOLDERS.servicePrincipalObjectId,
        state: { ...inputs, objectId: PLACEHOLDERS.servicePrincipalObjectId },
      };
    case 'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential':
      return {
        id: `${inputs.applicationId}/federatedIdentityCredential/${PLACEHOLDERS.credentialId}`,
        state: { ...inputs, credentialId: PLACEHOLDERS.credentialId },
      };
    case 'azure-native:authorization:RoleAssignment':
      return {
        id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName}`,
        state: { ...inputs, name: inputs.roleAssignmentName },
      };
    default:
      return { id: `${args.name}-id`, state: inputs };
  }
}
