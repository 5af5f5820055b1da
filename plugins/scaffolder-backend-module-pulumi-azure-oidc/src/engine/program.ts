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
  renderEnvironmentYaml,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** The fixed logical names; credentials and role assignments take theirs from the plan. */
export const LOGICAL_NAMES = {
  application: 'application',
  servicePrincipal: 'service-principal',
} as const;

/** The stack's outputs: every id someone setting up or debugging the trust needs. */
export type EscAzureOidcOutputs = {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  applicationObjectId: string;
  servicePrincipalObjectId: string;
  issuer: string;
  audience: string;
  subjects: string[];
  federatedCredentialIds: string[];
  roleAssignmentIds: string[];
  environmentRef: string;
  environmentYaml: string;
  /** Who may change the stack; checked before each update. */
  owner: string;
};

type Outputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export function escAzureOidcProgram(plan: ProvisionPlan) {
  return async (): Promise<Outputs<EscAzureOidcOutputs>> => {
    // 1. The environment's identity: an Entra application and its service principal.
    const application = new azuread.Application(LOGICAL_NAMES.application, {
      displayName: plan.application.displayName,
      signInAudience: 'AzureADMyOrg',
      notes: plan.application.notes,
      tags: plan.application.tags,
      // Another environment's application must never be taken over by name.
      preventDuplicateNames: true,
    });
    const servicePrincipal = new azuread.ServicePrincipal(
      LOGICAL_NAMES.servicePrincipal,
      {
        clientId: application.clientId,
        notes: plan.application.notes,
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
        ),
    );

    // 3. Access: roles for the service principal. Azure refuses assignments to
    //    the application's object id, and naming the principal type spares
    //    Entra's replication delay (PrincipalNotFound).
    const roleAssignments = plan.roleAssignments.map(
      assignment =>
        new authorization.RoleAssignment(
          assignment.logicalName,
          {
            principalId: servicePrincipal.objectId,
            principalType: authorization.PrincipalType.ServicePrincipal,
            roleDefinitionId: assignment.roleDefinitionId,
            scope: assignment.scope.id,
            description: `${assignment.role.name} for the Pulumi ESC environment ${plan.environmentRef}`,
          },
          {
            aliases: assignment.formerLogicalNames.map(name => ({ name })),
          },
        ),
    );

    // 4. The definition of the ESC environment that logs in with this identity.
    const tenantId = azuread.getClientConfigOutput().tenantId;
    const environmentYaml = pulumi
      .all([application.clientId, tenantId])
      .apply(([clientId, tenant]) =>
        renderEnvironmentYaml({
          clientId,
          tenantId: tenant,
          subscriptionId: plan.subscriptionId,
          subjectAttributes:
            plan.subjectMode === 'subjectAttributes'
              ? plan.subjectAttributes
              : undefined,
          keyVault: plan.keyVault,
        }),
      );
    return {
      clientId: application.clientId,
      tenantId,
      subscriptionId: plan.subscriptionId,
      applicationObjectId: application.objectId,
      servicePrincipalObjectId: servicePrincipal.objectId,
      issuer: plan.issuer,
      audience: plan.audience,
      subjects: plan.credentials.map(credential => credential.subject),
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
