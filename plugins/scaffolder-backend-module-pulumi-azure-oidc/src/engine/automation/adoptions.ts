/**
 * What exists in Entra or Azure for a plan but not in its stack, and may be
 * taken into it (see recovery.ts):
 *
 * - what pending creates may have made is looked up as the deployer;
 * - an application is found by its display name and adopted only when its
 *   tags say it is this environment's;
 * - a role assignment is found by its name, which the plan derives from
 *   environment, role and scope;
 * - the provider's refusals are read as well: azure-native refuses to create
 *   a resource that exists ("cannot create already existing resource",
 *   pulumi-azure-native provider.go, CanCreate); ARM answers 409
 *   RoleAssignmentExists for the same principal, role and scope under another
 *   name; azuread refuses a second application of the same name under
 *   `prevent_duplicate_names` ("An existing "azuread_application" with name
 *   … (ID: …) was found", terraform-provider-azuread v3.8.0 tf/errors.go).
 */
import {
  ENVIRONMENT_TAG_PREFIX,
  PORTAL_APPLICATION_TAG,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ConflictError } from '@backstage/errors';
import { DeployerReaders } from '../../azure/deployerReaders';
import { EntraApplication } from '../../azure/graph';
import { Adoptions, StackState } from '../stackModel';

export type RecoveryServices = DeployerReaders;

/** An application of the same name exists that is not this environment's. */
export class ApplicationNameTakenError extends ConflictError {}

/** Whether an Entra application is the one the portal made for this plan's environment. */
export function isPortalApplication(
  plan: ProvisionPlan,
  application: Pick<EntraApplication, 'displayName' | 'tags'>,
): boolean {
  const tags = application.tags ?? [];
  return (
    tags.includes(`${ENVIRONMENT_TAG_PREFIX}${plan.environmentRef}`) ||
    // Made before applications carried the environment's tag.
    (tags.includes(PORTAL_APPLICATION_TAG) &&
      application.displayName === plan.application.displayName)
  );
}

function nameTaken(plan: ProvisionPlan, ids: string[]) {
  return new ApplicationNameTakenError(
    `Cannot provision ${
      plan.environmentRef
    }: Entra already has an application named '${
      plan.application.displayName
    }' (object id ${ids.join(
      ', ',
    )}) that the portal did not make for this environment. ` +
      `Rename or remove it in Entra, or hand it to the portal by adding the tag '${ENVIRONMENT_TAG_PREFIX}${plan.environmentRef}' to it.`,
  );
}

/**
 * What exists in Entra or Azure for this plan but not in its stack: looked
 * up only where a run may have left something (pending creates, or no
 * application in the stack at all).
 */
export async function findAdoptions(
  plan: ProvisionPlan,
  state: StackState,
  services: RecoveryServices,
  signal?: AbortSignal,
): Promise<Adoptions> {
  const adoptions: Adoptions = {};
  const pending = new Set(state.pendingCreates.map(p => p.logicalName));
  let applicationObjectId = state.applicationObjectId;
  let adoptedApplication = false;
  if (!applicationObjectId) {
    const found = await services.graph.applicationsNamed(
      plan.application.displayName,
      signal,
    );
    const ours = found.filter(app => isPortalApplication(plan, app));
    if (ours.length > 1 || (ours.length === 0 && found.length > 0)) {
      throw nameTaken(
        plan,
        found.map(app => app.id),
      );
    }
    if (ours.length === 1) {
      applicationObjectId = ours[0].id;
      adoptedApplication = true;
      adoptions.application = { id: `/applications/${applicationObjectId}` };
    }
  }

  const credentials = plan.credentials.filter(
    c => adoptedApplication || pending.has(c.logicalName),
  );
  if (applicationObjectId && credentials.length > 0) {
    const existing = await services.graph.federatedCredentials(
      applicationObjectId,
      signal,
    );
    for (const credential of credentials) {
      const found = existing.find(e => e.name === credential.name);
      if (found) {
        // The azuread provider's id: `<object id>/federatedIdentityCredential/<credential id>`.
        adoptions[credential.logicalName] = {
          id: `${applicationObjectId}/federatedIdentityCredential/${found.id}`,
        };
      }
    }
  }

  for (const assignment of plan.roleAssignments) {
    if (!adoptedApplication && !pending.has(assignment.logicalName)) continue;
    const found = await services.resourceManager.roleAssignment(
      assignment.scope.id,
      assignment.roleAssignmentName,
      signal,
    );
    if (found) adoptions[assignment.logicalName] = { id: found.id };
  }
  return adoptions;
}

/** An engine diagnostic: the resource it concerns, and what it said. */
export interface EngineFailure {
  resourceName?: string;
  message: string;
}

/**
 * Objects the provider refused to create because they exist, to adopt on a
 * second attempt; nothing when the failures are of another kind.
 */
export async function adoptionsFromFailures(
  plan: ProvisionPlan,
  failures: EngineFailure[],
  services: RecoveryServices,
  signal?: AbortSignal,
): Promise<Adoptions> {
  const adoptions: Adoptions = {};
  for (const { resourceName, message } of failures) {
    const existing = /cannot create already existing resource '([^']+)'/.exec(
      message,
    )?.[1];
    const assignment = plan.roleAssignments.find(
      a =>
        resourceName === a.logicalName ||
        (existing &&
          existing.toLowerCase().endsWith(`/${a.roleAssignmentName}`)),
    );
    if (existing && assignment) {
      adoptions[assignment.logicalName] = { id: existing };
      continue;
    }
    const other =
      /The ID of the existing role assignment is ([0-9a-f]{32})/i.exec(
        message,
      )?.[1];
    if (assignment && message.includes('RoleAssignmentExists') && other) {
      const name = other
        .toLowerCase()
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
      adoptions[assignment.logicalName] = {
        id: `${assignment.scope.id}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        roleAssignmentName: name,
      };
      continue;
    }
    const duplicate =
      /An existing "azuread_application" with name .* \(ID: "([^"]+)"\)/.exec(
        message,
      )?.[1];
    if (duplicate) {
      const application = await services.graph.application(duplicate, signal);
      if (!application || !isPortalApplication(plan, application)) {
        throw nameTaken(plan, [duplicate]);
      }
      adoptions.application = { id: `/applications/${duplicate}` };
    }
  }
  return adoptions;
}
