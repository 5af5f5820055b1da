import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  answeredRequest,
  SUBJECT_ATTRIBUTES,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  ActionAuditor,
  AUDIT_EVENTS,
  AuditOptions,
  changeSeverity,
  sameOwner,
  taskMeta,
} from '../audit';
import {
  EnvironmentProvisioner,
  ProvisionResult,
} from '../provisioning/environmentProvisioner';
import { Stewardship } from '../provisioning/stewardship';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './provision.examples';

export const PROVISION_ACTION_ID = 'pulumi:azureOidc:provision';

export interface ProvisionActionOptions extends AuditOptions {
  provisioner: EnvironmentProvisioner;
  /** Who runs the task. */
  stewardship: Stewardship;
}

/**
 * `pulumi:azureOidc:provision`: the Azure identity of one Pulumi ESC
 * environment, trusted through OIDC, and the environment's definition.
 */
export function createPulumiAzureOidcProvisionAction(
  options: ProvisionActionOptions,
) {
  const { provisioner, stewardship } = options;
  const audit = new ActionAuditor(options);

  return createTemplateAction({
    id: PROVISION_ACTION_ID,
    description:
      'Provisions, through the Pulumi Automation API, the OIDC trust between Pulumi Cloud and Azure for one ESC environment: ' +
      'an Entra application, its service principal, federated identity credentials and role assignments. ' +
      'Returns the environment YAML and creates the environment in Pulumi Cloud when asked.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        organization: z =>
          z
            .string()
            .optional()
            .describe(
              'Pulumi Cloud organization; defaults to pulumiAzureOidc.pulumiCloud.organization',
            ),
        project: z =>
          z.string().describe("ESC project; 'default' is the legacy project"),
        environment: z => z.string().describe('ESC environment name'),
        subscriptionId: z =>
          z
            .string()
            .optional()
            .describe(
              'Azure subscription; defaults to pulumiAzureOidc.azure.defaultSubscriptionId',
            ),
        roleAssignments: z =>
          z
            .array(
              z.object({
                role: z
                  .string()
                  .describe(
                    'Role name from the catalogue, or role definition GUID',
                  ),
                scope: z
                  .string()
                  .optional()
                  .describe(
                    "'subscription' (default), a resource group name, or a resource id",
                  ),
              }),
            )
            .default([])
            .describe('Roles for the environment’s identity'),
        subjectMode: z =>
          z
            .enum(['subjectAttributes', 'environment'])
            .optional()
            .describe(
              "How tokens name the environment. 'subjectAttributes' (the default for new environments) names the environment holding the login, whoever opens it; 'environment' names the one opened, which environments importing this one and Pulumi stacks cannot use. Unset: the mode the environment's last run recorded",
            ),
        subjectAttributes: z =>
          z
            .array(z.enum(SUBJECT_ATTRIBUTES))
            .optional()
            .describe(
              "The login block's subjectAttributes (subjectAttributes mode)",
            ),
        rootEnvironments: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              "'project/environment' refs that import this environment (with rootEnvironment.name)",
            ),
        includeIacSubject: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Also trust Pulumi IaC stacks that import the environment (<yaml> subject)',
            ),
        createEscEnvironment: z =>
          z
            .boolean()
            .default(false)
            .describe('Create or update the environment in Pulumi Cloud'),
        keyVault: z =>
          z
            .object({
              name: z.string().describe('Key Vault name'),
              secrets: z
                .array(z.string())
                .default([])
                .describe('Secret names to read'),
            })
            .optional()
            .describe(
              'Key Vault secrets the environment reads through the same login',
            ),
        owner: z =>
          z
            .string()
            .optional()
            .describe(
              'Catalog owner, recorded on the Entra application: the user or one of their groups; defaults to the user',
            ),
      },
      output: {
        clientId: z => z.string(),
        tenantId: z => z.string(),
        subscriptionId: z => z.string(),
        applicationObjectId: z => z.string(),
        servicePrincipalObjectId: z => z.string(),
        issuer: z => z.string(),
        audience: z => z.string(),
        subjects: z => z.array(z.string()),
        subjectMode: z =>
          z
            .enum(['subjectAttributes', 'environment'])
            .describe('How tokens name the environment'),
        subjectAttributes: z =>
          z
            .array(z.enum(SUBJECT_ATTRIBUTES))
            .describe("The login block's subjectAttributes"),
        environmentRef: z =>
          z.string().describe('organization/project/environment'),
        environmentYaml: z => z.string(),
        owner: z =>
          z.string().describe('The owner recorded with the environment'),
        escEnvironmentCreated: z =>
          z
            .boolean()
            .describe('Whether Pulumi Cloud holds the environment YAML'),
        escEnvironmentChange: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .optional()
            .describe('What this run did to the environment in Pulumi Cloud'),
        stackName: z => z.string(),
        changes: z =>
          z.object({
            created: z.number(),
            updated: z.number(),
            replaced: z.number(),
            deleted: z.number(),
            same: z.number(),
          }),
        pulumiCloudUrl: z => z.string(),
        azurePortalUrl: z => z.string().optional(),
        links: z => z.array(z.object({ title: z.string(), url: z.string() })),
        roleAssignments: z =>
          z
            .array(
              z.object({
                role: z.string(),
                roleDefinitionId: z.string(),
                scope: z.string(),
              }),
            )
            .describe('Each role the identity holds, at its canonical scope'),
        request: z =>
          z
            .record(z.any())
            .describe(
              'The request with every default filled in, in the template’s words: what Update starts from',
            ),
        plannedResources: z =>
          z
            .array(z.object({ type: z.string(), name: z.string() }))
            .optional()
            .describe('Dry runs only: what a first run would create'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const requester = await stewardship.requester(ctx);
        const dryRun = ctx.isDryRun ?? false;
        const asked = taskMeta(ctx, requester);
        const result = await audit.run(
          {
            eventId: AUDIT_EVENTS.provision,
            severityLevel: changeSeverity(dryRun),
            meta: {
              ...asked,
              dryRun,
              // As asked; the outcome adds the canonical references.
              request: {
                organization: ctx.input.organization,
                project: ctx.input.project,
                environment: ctx.input.environment,
                owner: ctx.input.owner,
                roleAssignments: (ctx.input.roleAssignments ?? []).map(
                  ({ role, scope }) => ({ role, scope }),
                ),
              },
            },
          },
          () =>
            provisioner.provision({
              request: ctx.input,
              requester,
              dryRun,
              signal: ctx.signal,
              log: ctx.logger,
              checkpoint: (key, fn) => ctx.checkpoint({ key, fn }),
            }),
          provisionAudit,
        );
        const { plan, outcome, links, plannedResources, previousOwner } =
          result;
        if (!dryRun && previousOwner && !sameOwner(previousOwner, plan.owner)) {
          await audit.record({
            eventId: AUDIT_EVENTS.handover,
            severityLevel: 'high',
            meta: {
              ...asked,
              environmentRef: plan.environmentRef,
              from: previousOwner,
              to: plan.owner,
            },
          });
        }
        // Credential and role assignment ids stay in the stack's outputs.
        const {
          federatedCredentialIds: _credentials,
          roleAssignmentIds: _roles,
          ...outputs
        } = outcome.outputs;
        const results = {
          ...outputs,
          escEnvironmentCreated: outcome.escEnvironmentChange !== undefined,
          escEnvironmentChange: outcome.escEnvironmentChange,
          stackName: outcome.stackName,
          changes: outcome.changes,
          ...links,
          roleAssignments: canonicalRoleAssignments(result),
          request: answeredRequest(ctx.input, plan),
          plannedResources,
        };
        for (const [name, value] of Object.entries(results)) {
          if (value !== undefined) {
            ctx.output(name as keyof typeof results, value);
          }
        }
      });
    },
  });
}

/** Each role the identity holds (or, in a dry run, would hold), at its canonical scope. */
function canonicalRoleAssignments({ plan }: Pick<ProvisionResult, 'plan'>) {
  return plan.roleAssignments.map(assignment => ({
    role: assignment.role.name,
    roleDefinitionId: assignment.roleDefinitionId,
    scope: assignment.scope.id,
  }));
}

/** What the audit trail keeps of a finished run: references, roles, scopes and outcome words. */
function provisionAudit(result: ProvisionResult) {
  const { plan, outcome, previousOwner } = result;
  return {
    environmentRef: plan.environmentRef,
    owner: plan.owner,
    ...(previousOwner ? { previousOwner } : {}),
    roleAssignments: canonicalRoleAssignments(result).map((assignment, i) =>
      plan.roleAssignments[i].role.privileged
        ? { ...assignment, privileged: true }
        : assignment,
    ),
    stackName: outcome.stackName,
    changes: outcome.changes,
    ...(outcome.escEnvironmentChange
      ? { escEnvironmentChange: outcome.escEnvironmentChange }
      : {}),
  };
}
