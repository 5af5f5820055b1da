/**
 * A Pulumi stack at the Automation API boundary whose updates run the real
 * program under mocks against the Azure stand-in's objects, refusing what
 * the real providers refuse:
 *
 * - azuread refuses a second application of the same display name under
 *   `prevent_duplicate_names`, with the message of terraform-provider-azuread
 *   v3.8.0 (internal/helpers/tf/errors.go, ImportAsDuplicateError);
 * - azuread adopts a service principal of the same application with
 *   `use_existing` (service_principal_resource.go);
 * - azure-native refuses to create a resource whose id exists
 *   ("cannot create already existing resource", provider.go CanCreate);
 * - ARM refuses a second assignment of one principal, role and scope under
 *   another name: 409 RoleAssignmentExists, "The role assignment already
 *   exists. The ID of the existing role assignment is <id without dashes>.";
 * - an import of an id that does not exist fails.
 *
 * `crashAt` kills the update while that resource is being created: the
 * object exists in the stand-in, the stack holds a pending create for it,
 * and stays locked, as after a backend killed mid-update. Until `cancel`,
 * what takes the update lock fails as a DIY backend's CLI does ("the stack
 * is currently locked by 1 lock(s)", a ConcurrentUpdateError); previews
 * and exports take no lock.
 */
import { AzureStandIn } from '@esc-azure-oidc/test-utils';
import {
  CommandError,
  ConcurrentUpdateError,
  Deployment,
  EngineEvent,
  UpOptions,
} from '@pulumi/pulumi/automation';
import * as pulumi from '@pulumi/pulumi';
import { randomUUID } from 'node:crypto';
import { EngineStack } from '../engine/automation/workspace';
import { GET_CLIENT_CONFIG, runUnderMocks } from '../engine/preview/mockRun';
import { logicalNameOf, RESOURCE_TYPES } from '../engine/stackModel';

interface StateResource {
  urn: string;
  type: string;
  id: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
}

const urnOf = (type: string, name: string) =>
  `urn:pulumi:stand-in::esc-azure-oidc::${type}::${name}`;

export interface FakeAzureStack extends EngineStack {
  resources: StateResource[];
  pending: Array<{
    type: 'creating';
    resource: Omit<StateResource, 'id' | 'outputs'>;
  }>;
  /** Each `up`: the logical names it imported. */
  imports: string[][];
  /** The resource whose creation the next update dies in, if any. */
  crashAt?: string;
  /** Whether the stack was removed from the state backend. */
  removed: boolean;
  /** The logical names destroys removed, in order. */
  destroyed: string[];
  /** The outputs of the last finished update; none after a full destroy. */
  outputs?: Record<string, unknown>;
  /** A destroy fails with this message instead, once. */
  failDestroy?: string;
  /** Whether a killed update left the stack locked. */
  locked: boolean;
}

export function fakeAzureStack(
  cloud: AzureStandIn,
  options: { crashAt?: string } = {},
): FakeAzureStack {
  const stack: FakeAzureStack = {
    resources: [],
    pending: [],
    imports: [],
    async exportStack(): Promise<Deployment> {
      // The stack resource carries the last finished update's outputs.
      const root = stack.outputs && {
        urn: urnOf(RESOURCE_TYPES.stack, 'esc-azure-oidc-stand-in'),
        type: RESOURCE_TYPES.stack,
        outputs: stack.outputs,
      };
      return {
        version: 3,
        deployment: {
          resources: root ? [root, ...stack.resources] : stack.resources,
          ...(stack.pending.length
            ? { pending_operations: stack.pending }
            : {}),
        },
      };
    },
    async setAllConfig() {},
    async refresh(refreshOptions?: { clearPendingCreates?: boolean }) {
      refuseWhileLocked(stack);
      if (refreshOptions?.clearPendingCreates) stack.pending = [];
    },
    async up(upOptions?: UpOptions) {
      refuseWhileLocked(stack);
      return update(cloud, stack, upOptions!);
    },
    async cancel() {
      stack.locked = false;
    },
    // What is gone from the stand-in shows as a delete, the rest as same.
    async previewRefresh(refreshOptions?: UpOptions) {
      for (const resource of stack.resources) {
        const op = read(cloud, resource.type, resource.id) ? 'same' : 'delete';
        refreshOptions?.onEvent?.({
          sequence: 0,
          timestamp: 0,
          resOutputsEvent: {
            metadata: { op, urn: resource.urn, type: resource.type },
          } as never,
        });
      }
    },
    async destroy(destroyOptions?: {
      target?: string[];
      onEvent?: (event: EngineEvent) => void;
    }) {
      refuseWhileLocked(stack);
      if (stack.failDestroy) {
        const message = stack.failDestroy;
        stack.failDestroy = undefined;
        throw cliFailure(message);
      }
      const doomed = stack.resources.filter(
        r => !destroyOptions?.target || destroyOptions.target.includes(r.urn),
      );
      for (const resource of [...doomed].reverse()) {
        remove(cloud, resource);
        stack.resources.splice(stack.resources.indexOf(resource), 1);
        stack.destroyed.push(logicalNameOf(resource.urn));
        destroyOptions?.onEvent?.({
          sequence: 0,
          timestamp: 0,
          resOutputsEvent: {
            metadata: {
              op: 'delete',
              urn: resource.urn,
              type: resource.type,
              old: { inputs: resource.inputs },
            },
          } as never,
        });
      }
      if (stack.resources.length === 0) stack.outputs = undefined;
    },
    async remove() {
      stack.removed = true;
    },
    removed: false,
    locked: false,
    destroyed: [],
    crashAt: options.crashAt,
  };
  return stack;
}

class Refused extends Error {}

/** What the CLI says of an update lock a killed update left. */
function refuseWhileLocked(stack: FakeAzureStack) {
  if (!stack.locked) return;
  throw new ConcurrentUpdateError(
    commandResult(
      'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.',
    ),
  );
}

/** What the Automation API's errors carry of a CLI that failed. */
function commandResult(stderr: string): any {
  return { stdout: '', stderr, code: 255, toString: () => stderr };
}

/** The Automation API's error for a CLI that exited with `error: <message>`. */
function cliFailure(message: string): CommandError {
  return new CommandError(commandResult(`error: ${message}`));
}

async function update(
  cloud: AzureStandIn,
  stack: FakeAzureStack,
  upOptions: UpOptions,
) {
  const crashAt = stack.crashAt;
  const emit = (event: Partial<EngineEvent>) =>
    upOptions.onEvent?.({ sequence: 0, timestamp: 0, ...event } as EngineEvent);
  const registered = new Set<string>();
  const imported: string[] = [];
  const changes = { create: 0, same: 0, delete: 0 };
  let failure: { urn: string; message: string } | undefined;

  // A failed registration ends the update: later resources touch nothing.
  // (The mocks get a placeholder instead of an exception, which Pulumi's
  // runtime would leave as unhandled rejections, as the CLI never does.)
  const newResource = (args: pulumi.runtime.MockResourceArgs) => {
    const urn = urnOf(args.type, args.name);
    registered.add(urn);
    const placeholder = { id: `${args.name}-id`, state: args.inputs };
    if (
      failure ||
      args.type === RESOURCE_TYPES.stack ||
      args.type.startsWith('pulumi:providers:')
    ) {
      return placeholder;
    }
    try {
      const existing = stack.resources.find(r => r.urn === urn);
      if (existing) {
        existing.inputs = args.inputs;
        changes.same += 1;
        return {
          id: existing.id,
          state: { ...existing.outputs, ...args.inputs },
        };
      }
      if (args.id) {
        const outputs = read(cloud, args.type, args.id);
        if (!outputs) throw new Refused(`resource '${args.id}' does not exist`);
        imported.push(args.name);
        stack.resources.push({
          urn,
          type: args.type,
          id: args.id,
          inputs: args.inputs,
          outputs,
        });
        return { id: args.id, state: { ...outputs, ...args.inputs } };
      }
      const created = create(cloud, args.type, args.inputs);
      if (args.name === crashAt) {
        stack.pending.push({
          type: 'creating',
          resource: { urn, type: args.type, inputs: args.inputs },
        });
        stack.locked = true;
        throw new Refused('the backend was killed');
      }
      stack.resources.push({
        urn,
        type: args.type,
        ...created,
        inputs: args.inputs,
      });
      changes.create += 1;
      emit({
        resOutputsEvent: {
          metadata: { op: 'create', urn, type: args.type },
        } as any,
      });
      return { id: created.id, state: { ...created.outputs, ...args.inputs } };
    } catch (error) {
      failure = { urn, message: (error as Error).message };
      return placeholder;
    }
  };

  let outputs: Record<string, unknown> = {};
  try {
    outputs = await runUnderMocks(
      upOptions.program as () => Promise<Record<string, unknown>>,
      {
        newResource,
        call: args => {
          if (args.token !== GET_CLIENT_CONFIG) throw new Error(args.token);
          return {
            tenantId: cloud.tenantId,
            clientId: cloud.deployer.clientId,
            objectId: cloud.deployer.objectId,
          };
        },
      },
      { stackName: 'stand-in', organization: 'acme' },
    );
  } catch (error) {
    failure ??= { urn: '', message: (error as Error).message };
  }
  stack.imports.push(imported);
  if (failure) {
    emit({
      diagnosticEvent: {
        severity: 'error',
        urn: failure.urn,
        message: failure.message,
      } as any,
    });
    throw cliFailure(failure.message);
  }
  // What the program no longer declares is deleted.
  for (const resource of [...stack.resources]) {
    if (!registered.has(resource.urn)) {
      remove(cloud, resource);
      stack.resources.splice(stack.resources.indexOf(resource), 1);
      changes.delete += 1;
    }
  }
  stack.outputs = outputs;
  return {
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([key, value]) => [
        key,
        { value, secret: false },
      ]),
    ),
    summary: { resourceChanges: changes },
  } as any;
}

function create(
  cloud: AzureStandIn,
  type: string,
  inputs: Record<string, any>,
) {
  switch (type) {
    case RESOURCE_TYPES.application: {
      const duplicate = cloud.applications.find(
        a => a.displayName === inputs.displayName,
      );
      if (duplicate && inputs.preventDuplicateNames) {
        throw new Refused(
          `An existing "azuread_application" with name "${inputs.displayName}" (ID: "${duplicate.id}") was found and \`prevent_duplicate_names\` was specified. To be managed via Terraform, this resource needs to be imported into the State.`,
        );
      }
      const application = {
        id: randomUUID(),
        appId: randomUUID(),
        displayName: inputs.displayName,
        tags: inputs.tags ?? [],
        federatedIdentityCredentials: [],
      };
      cloud.applications.push(application);
      return {
        id: `/applications/${application.id}`,
        outputs: { objectId: application.id, clientId: application.appId },
      };
    }
    case RESOURCE_TYPES.servicePrincipal: {
      const existing = cloud.servicePrincipals.find(
        sp => sp.appId === inputs.clientId,
      );
      if (existing && !inputs.useExisting) {
        throw new Refused(
          `A resource with the ID "${existing.id}" already exists`,
        );
      }
      const principal = existing ?? {
        id: randomUUID(),
        appId: inputs.clientId,
      };
      if (!existing) cloud.servicePrincipals.push(principal);
      return {
        id: `/servicePrincipals/${principal.id}`,
        outputs: { objectId: principal.id },
      };
    }
    case RESOURCE_TYPES.credential: {
      const objectId = String(inputs.applicationId).replace(
        '/applications/',
        '',
      );
      const application = cloud.applications.find(a => a.id === objectId)!;
      if (
        application.federatedIdentityCredentials.some(
          c => c.name === inputs.displayName,
        )
      ) {
        throw new Refused(
          `Request_BadRequest: FederatedIdentityCredential with name ${inputs.displayName} already exists.`,
        );
      }
      const credential = {
        id: randomUUID(),
        name: inputs.displayName,
        issuer: inputs.issuer,
        subject: inputs.subject,
        audiences: inputs.audiences,
      };
      application.federatedIdentityCredentials.push(credential);
      return {
        id: `${objectId}/federatedIdentityCredential/${credential.id}`,
        outputs: { credentialId: credential.id },
      };
    }
    case RESOURCE_TYPES.roleAssignment: {
      const id = `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName}`;
      if (cloud.roleAssignments.some(a => a.id === id)) {
        throw new Refused(`cannot create already existing resource '${id}'`);
      }
      const twin = cloud.roleAssignments.find(
        a =>
          a.properties.scope === inputs.scope &&
          a.properties.principalId === inputs.principalId &&
          a.properties.roleDefinitionId === inputs.roleDefinitionId,
      );
      if (twin) {
        throw new Refused(
          `Status=409 Code="RoleAssignmentExists" Message="The role assignment already exists. The ID of the existing role assignment is ${twin.name.replace(
            /-/g,
            '',
          )}."`,
        );
      }
      cloud.roleAssignments.push({
        id,
        name: inputs.roleAssignmentName,
        properties: {
          scope: inputs.scope,
          principalId: inputs.principalId,
          principalType: inputs.principalType,
          roleDefinitionId: inputs.roleDefinitionId,
        },
      });
      return { id, outputs: { name: inputs.roleAssignmentName } };
    }
    default:
      throw new Error(`the stand-in does not know ${type}`);
  }
}

/** An object's outputs by the id an import names; undefined when absent. */
function read(cloud: AzureStandIn, type: string, id: string) {
  switch (type) {
    case RESOURCE_TYPES.application: {
      const app = cloud.applications.find(a => `/applications/${a.id}` === id);
      return app && { objectId: app.id, clientId: app.appId };
    }
    case RESOURCE_TYPES.servicePrincipal: {
      const principal = cloud.servicePrincipals.find(
        p => `/servicePrincipals/${p.id}` === id,
      );
      return principal && { objectId: principal.id };
    }
    case RESOURCE_TYPES.credential: {
      const [objectId, , credentialId] = id.split('/');
      const credential = cloud.applications
        .find(a => a.id === objectId)
        ?.federatedIdentityCredentials.find(c => c.id === credentialId);
      return credential && { credentialId: credential.id };
    }
    case RESOURCE_TYPES.roleAssignment: {
      const assignment = cloud.roleAssignments.find(a => a.id === id);
      return assignment && { name: assignment.name };
    }
    default:
      return undefined;
  }
}

function remove(cloud: AzureStandIn, resource: StateResource) {
  const name = logicalNameOf(resource.urn);
  if (resource.type === RESOURCE_TYPES.roleAssignment) {
    cloud.roleAssignments.splice(
      cloud.roleAssignments.findIndex(a => a.id === resource.id),
      1,
    );
  } else if (resource.type === RESOURCE_TYPES.credential) {
    const [objectId, , credentialId] = resource.id.split('/');
    const app = cloud.applications.find(a => a.id === objectId);
    if (app)
      app.federatedIdentityCredentials =
        app.federatedIdentityCredentials.filter(c => c.id !== credentialId);
  } else if (resource.type === RESOURCE_TYPES.servicePrincipal) {
    // In place: the stand-in's server reads these very arrays.
    const at = cloud.servicePrincipals.findIndex(
      p => `/servicePrincipals/${p.id}` === resource.id,
    );
    if (at >= 0) cloud.servicePrincipals.splice(at, 1);
  } else if (resource.type === RESOURCE_TYPES.application) {
    const at = cloud.applications.findIndex(
      a => `/applications/${a.id}` === resource.id,
    );
    if (at >= 0) cloud.applications.splice(at, 1);
  } else {
    throw new Error(`the stand-in does not delete ${name}`);
  }
}
