/**
 * The Pulumi program: an Azure identity that Pulumi Cloud can log in as for
 * exactly one ESC environment, and the definition of that environment.
 *
 * Every logical name is fixed or derived from the plan, never random, so a
 * second run with the same plan changes nothing.
 */
import * as authorization from '@pulumi/azure-native/authorization';
import * as azuread from '@pulumi/azuread';
import * as pulumi from '@pulumi/pulumi';
import {
  ProvisionPlan,
  environmentDefinition,
  renderEnvironmentYaml,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Adoptions, EscAzureOidcOutputs, LOGICAL_NAMES } from './stackModel';

/**
 * Inputs an adopted object may hold differently from the plan: ignored while
 * it is imported (Pulumi refuses an import whose inputs differ), and set by
 * the update that follows.
 */
const ADOPTION_IGNORES: Record<string, string[]> = {
  [LOGICAL_NAMES.application]: [
    'displayName',
    'notes',
    'tags',
    'owners',
    'preventDuplicateNames',
  ],
  credential: ['description'],
  roleAssignment: ['description', 'principalType'],
};

type Outputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export function escAzureOidcProgram(
  plan: ProvisionPlan,
  adopt: Adoptions = {},
) {
  const adopted = (
    name: string,
    kind: keyof typeof ADOPTION_IGNORES,
  ): pulumi.CustomResourceOptions =>
    adopt[name]?.id
      ? { import: adopt[name].id, ignoreChanges: ADOPTION_IGNORES[kind] }
      : {};

  return async (): Promise<Outputs<EscAzureOidcOutputs>> => {
    // The principal running the update: it stays an owner of what it creates.
    // The azuread provider adds the caller as owner while it creates an
    // application or service principal, then removes it unless `owners`
    // lists it (terraform-provider-azuread v3.8.0, application_resource.go:
    // removeCallerOwner); with Application.ReadWrite.OwnedBy the deployer
    // would then lose the application it just made.
    const deployer = azuread.getClientConfigOutput();
    const owners = deployer.objectId.apply(id => [
      ...new Set([id, ...plan.application.owners]),
    ]);

    // 1. The environment's identity: an Entra application and its service principal.
    const application = new azuread.Application(
      LOGICAL_NAMES.application,
      {
        displayName: plan.application.displayName,
        signInAudience: 'AzureADMyOrg',
        notes: plan.application.notes,
        tags: plan.application.tags,
        owners,
        // Another environment's application must never be taken over by name.
        preventDuplicateNames: true,
      },
      adopted(LOGICAL_NAMES.application, 'application'),
    );
    const servicePrincipal = new azuread.ServicePrincipal(
      LOGICAL_NAMES.servicePrincipal,
      {
        clientId: application.clientId,
        notes: plan.application.notes,
        owners,
        // The principal of our own application, left by a run that died
        // after creating it: taken into the stack instead of failing.
        useExisting: true,
      },
    );

    // 2. Trust: Pulumi Cloud's tokens for this environment, and only those.
    const credentials = plan.credentials.map(
      credential =>
        new azuread.ApplicationFederatedIdentityCredential(
          credential.logicalName,
          {
            // The application's resource id, `/applications/<object id>`.
            applicationId: application.id,
            displayName: credential.name,
            description: credential.description,
            issuer: credential.issuer,
            audiences: [credential.audience],
            subject: credential.subject,
          },
          adopted(credential.logicalName, 'credential'),
        ),
    );

    // 3. Access: roles for the service principal. Azure refuses assignments to
    //    the application's object id, and naming the principal type spares
    //    Entra's replication delay (PrincipalNotFound). The name is the plan's:
    //    the same on every run, so that a repeated run finds its assignment.
    const roleAssignments = plan.roleAssignments.map(
      assignment =>
        new authorization.RoleAssignment(
          assignment.logicalName,
          {
            roleAssignmentName:
              adopt[assignment.logicalName]?.roleAssignmentName ??
              assignment.roleAssignmentName,
            principalId: servicePrincipal.objectId,
            principalType: authorization.PrincipalType.ServicePrincipal,
            roleDefinitionId: assignment.roleDefinitionId,
            scope: assignment.scope.id,
            description: `${assignment.role.name} for the Pulumi ESC environment ${plan.environmentRef}`,
          },
          {
            aliases: assignment.formerLogicalNames.map(name => ({ name })),
            // Its name does not change with its principal: a new service
            // principal's assignment can only exist once the old one is gone.
            deleteBeforeReplace: true,
            ...adopted(assignment.logicalName, 'roleAssignment'),
          },
        ),
    );

    // 4. The definition of the ESC environment that logs in with this identity.
    const environmentYaml = pulumi
      .all([application.clientId, deployer.tenantId])
      .apply(([clientId, tenant]) =>
        renderEnvironmentYaml(
          environmentDefinition(plan, { clientId, tenantId: tenant }),
        ),
      );
    return {
      clientId: application.clientId,
      tenantId: deployer.tenantId,
      subscriptionId: plan.subscriptionId,
      applicationObjectId: application.objectId,
      servicePrincipalObjectId: servicePrincipal.objectId,
      issuer: plan.issuer,
      audience: plan.audience,
      subjects: plan.credentials.map(credential => credential.subject),
      subjectMode: plan.subjectMode,
      subjectAttributes: plan.subjectAttributes,
      federatedCredentialIds: pulumi.all(
        credentials.map(credential => credential.credentialId),
      ),
      roleAssignmentIds: pulumi.all(
        roleAssignments.map(assignment => assignment.id),
      ),
      environmentRef: plan.environmentRef,
      environmentYaml,
      owner: plan.owner,
    };
  };
}
