/**
 * Runs the real program under Pulumi's mocks: no CLI, no cloud, placeholder
 * ids. This is what a scaffolder dry run shows.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pulumiRuntimeState from '@pulumi/pulumi/runtime/state';
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Adoptions, EscAzureOidcOutputs, escAzureOidcProgram } from './program';

/** A resource the program would register, with the inputs it would send, in registration order. */
export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The id of an existing object the resource adopts (Pulumi's `import`). */
  importId?: string;
}

export interface DryRunResult {
  resources: PlannedResource[];
  outputs: EscAzureOidcOutputs;
}

export interface DryRunOptions {
  projectName: string;
  stackName: string;
  /** The tenant, when configured; a placeholder otherwise. */
  tenantId?: string;
  /** Objects the run would adopt (a real run's recovery decides them). */
  adopt?: Adoptions;
}

/** The one function the program calls: who is deploying, in which tenant. */
export const GET_CLIENT_CONFIG =
  'azuread:index/getClientConfig:getClientConfig';

/** Stands for values only Azure and Entra can assign. */
export const PLACEHOLDERS = {
  clientId: '<application client id>',
  applicationObjectId: '<application object id>',
  servicePrincipalObjectId: '<service principal object id>',
  credentialId: '<credential id>',
  deployerObjectId: '<deploying principal object id>',
  tenantId: '<tenant id>',
} as const;

/**
 * Pulumi keeps its runtime settings (the monitor, the stack, the mocks) in
 * an AsyncLocalStorage store when one is active, and in a process-wide one
 * otherwise. Pulumi's own Automation API server runs every inline program in
 * a store of its own; a dry run does the same, so that neither a concurrent
 * dry run nor a real update in this backend sees its mocks.
 */
function inIsolatedPulumiRuntime<T>(fn: () => Promise<T>): Promise<T> {
  const { withLocalStorage } = pulumiRuntimeState as unknown as {
    withLocalStorage?: (callback: () => Promise<T>) => Promise<T>;
  };
  if (typeof withLocalStorage !== 'function') {
    throw new Error(
      'This version of @pulumi/pulumi cannot isolate runtime state, so dry runs are unsafe; use the version this module declares',
    );
  }
  return withLocalStorage(fn);
}

/**
 * Runs a program under Pulumi's mocks, in a runtime of its own; resolves to
 * the stack's outputs once every resource has registered.
 */
export async function runUnderMocks(
  program: () => Promise<Record<string, unknown>>,
  mocks: pulumi.runtime.Mocks,
  options: { projectName: string; stackName: string; organization: string },
): Promise<Record<string, unknown>> {
  return inIsolatedPulumiRuntime(async () => {
    await pulumi.runtime.setMocks(
      mocks,
      options.projectName,
      options.stackName,
      false,
      options.organization,
    );
    const outputs = await pulumi.runtime.runInPulumiStack(program);
    // Resources whose outputs the stack does not export may still be
    // registering: wait for every call to the (mock) engine, as a real run does.
    await pulumi.runtime.disconnect();
    return outputs as Record<string, unknown>;
  });
}

export async function dryRunProgram(
  plan: ProvisionPlan,
  options: DryRunOptions,
): Promise<DryRunResult> {
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
