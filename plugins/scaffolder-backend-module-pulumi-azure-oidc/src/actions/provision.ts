import { InputError, NotAllowedError } from '@backstage/errors';
import {
  checkRecord,
  describeProblems,
  PlanContext,
  PlanResult,
  escEnvironmentEntityName,
  formatEnvironmentRef,
  portalMayOverwrite,
  MANAGED_BY_PORTAL,
  OwnershipRecord,
  planProvisioning,
  ProvisionPlan,
  Requester,
  SUBJECT_ATTRIBUTES,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { createHash } from 'node:crypto';
import { PulumiAzureOidcSettings } from '../config';
import {
  EscEnvironmentChange,
  EscEnvironmentDefinition,
  EscEnvironments,
} from '../escEnvironments';
import {
  ProvisioningEngine,
  ProvisioningFailedError,
  ProvisionOutcome,
} from '../engine/automationEngine';
import { dryRunProgram } from '../engine/dryRun';
import {
  describeChanges,
  EngineProgress,
  resourceLabels,
} from '../engine/progress';
import { PULUMI_PROJECT, stackNameFor } from '../engine/stackNames';
import { SecretRedactor } from '../secrets';
import { Stewardship } from '../stewardship';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './provision.examples';

export const PROVISION_ACTION_ID = 'pulumi:azureOidc:provision';

export interface ProvisionActionOptions {
  settings: PulumiAzureOidcSettings;
  engine: ProvisioningEngine;
  redactor: SecretRedactor;
  /** Who runs the task, and who owns the environment already. */
  stewardship: Stewardship;
  /** Where ESC environments are created; present when a token is configured. */
  escEnvironments?: EscEnvironments;
}

/** What a run leaves behind, kept in the task's checkpoint. */
type ActionOutcome = ProvisionOutcome & {
  escEnvironmentChange?: EscEnvironmentChange;
};

function escEnvironmentLabel(plan: ProvisionPlan): string {
  return `ESC environment ${plan.environmentRef} in Pulumi Cloud`;
}

/**
 * `pulumi:azureOidc:provision`: the Azure identity of one Pulumi ESC
 * environment, trusted through OIDC, and the environment's definition.
 */
export function createPulumiAzureOidcProvisionAction(
  options: ProvisionActionOptions,
) {
  const { settings, engine, redactor, stewardship, escEnvironments } = options;

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
        plannedResources: z =>
          z
            .array(z.object({ type: z.string(), name: z.string() }))
            .optional()
            .describe('Dry runs only: what a first run would create'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const requested = formatEnvironmentRef({
          organization:
            ctx.input.organization ?? settings.pulumiCloud.organization ?? '?',
          project: ctx.input.project,
          environment: ctx.input.environment,
        });
        const requester = await stewardship.requester(ctx);
        const context: PlanContext = {
          defaultOrganization: settings.pulumiCloud.organization,
          defaultSubscriptionId: settings.azure.defaultSubscriptionId,
          issuer: settings.pulumiCloud.issuer,
          guardrails: settings.guardrails,
          roles: settings.roles,
          escEnvironmentsEnabled: !!escEnvironments,
          requester,
          applicationOwners: settings.azure.applicationOwners,
        };
        const refuseProblems = (result: PlanResult): ProvisionPlan => {
          if (result.plan) return result.plan;
          throw new InputError(
            `Cannot provision ${requested}:\n${describeProblems(
              result.problems,
            )}`,
          );
        };
        const request = refuseProblems(planProvisioning(ctx.input, context));
        // What the catalog and the local catalog directory record, before any
        // cloud is asked; the stack's own record follows, before it changes.
        const entityName = escEnvironmentEntityName(request.environment);
        const catalog = await stewardship.catalogRecord(entityName);
        refuseUnlessSteward(request, requester, catalog);
        refuseUnlessSteward(
          request,
          requester,
          await stewardship.localRecord(entityName),
        );
        // The environment's last run, as its stack (or, in dry runs and
        // when the stack has none, its catalog entity) records it.
        const stack = ctx.isDryRun
          ? undefined
          : await engine
              .recorded(request.environment, { signal: ctx.signal })
              .catch(error => {
                throw explainFailure(error, request, [], redactor);
              });
        const plan = refuseProblems(
          planProvisioning(ctx.input, {
            ...context,
            recorded: {
              credentials: stack?.credentials ?? [],
              roleAssignmentNames: stack?.roleAssignmentNames ?? {},
              subjectMode: stack?.subjectMode ?? catalog?.subjectMode,
              subjectAttributes: stack?.subjectMode
                ? stack.subjectAttributes
                : catalog?.subjectAttributes,
            },
          }),
        );
        ctx.logger.info(describeSubject(plan));
        const pulumiCloudUrl = `${settings.pulumiCloud.consoleUrl}/${plan.environment.organization}/esc/${plan.environment.project}/${plan.environment.environment}`;

        let outcome: ActionOutcome;
        let plannedResources: Array<{ type: string; name: string }> | undefined;
        if (ctx.isDryRun) {
          const stackName = engine.stackName(plan.environment);
          const { resources, outputs } = await dryRunProgram(plan, {
            projectName: PULUMI_PROJECT,
            stackName: stackNameFor(plan.environment),
            tenantId: settings.azure.tenantId,
          });
          plannedResources = resources.map(({ type, name }) => ({
            type,
            name,
          }));
          const labels = resourceLabels(plan);
          for (const { type, name } of plannedResources) {
            ctx.logger.info(
              `would create: ${labels.get(name) ?? `${type} '${name}'`}`,
            );
          }
          if (plan.createEscEnvironment) {
            ctx.logger.info(
              `would create or update: ${escEnvironmentLabel(plan)}`,
            );
          }
          ctx.logger.info(
            `Dry run: ${plannedResources.length} resources would be created for ${plan.environmentRef}`,
          );
          outcome = {
            stackName,
            outputs,
            changes: {
              created: resources.length,
              updated: 0,
              replaced: 0,
              deleted: 0,
              same: 0,
            },
          };
        } else {
          outcome = await provision(ctx, plan, requester);
        }

        // Credential and role assignment ids stay in the stack's outputs.
        const {
          federatedCredentialIds: _credentials,
          roleAssignmentIds: _roles,
          ...outputs
        } = outcome.outputs;
        const azurePortalUrl = ctx.isDryRun
          ? undefined
          : `https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${outputs.clientId}`;
        const results = {
          ...outputs,
          escEnvironmentCreated: outcome.escEnvironmentChange !== undefined,
          escEnvironmentChange: outcome.escEnvironmentChange,
          stackName: outcome.stackName,
          changes: outcome.changes,
          pulumiCloudUrl,
          azurePortalUrl,
          links: [
            {
              title: `ESC environment ${plan.environmentRef}`,
              url: pulumiCloudUrl,
            },
            ...(azurePortalUrl
              ? [
                  {
                    title: `Entra application ${plan.application.displayName}`,
                    url: azurePortalUrl,
                  },
                ]
              : []),
          ],
          plannedResources,
        };
        for (const [name, value] of Object.entries(results)) {
          if (value !== undefined)
            ctx.output(name as keyof typeof results, value);
        }
      });
    },
  });

  async function provision(
    ctx: Pick<ActionContext<JsonObject>, 'logger' | 'signal' | 'checkpoint'>,
    plan: ProvisionPlan,
    requester: Requester,
  ): Promise<ActionOutcome> {
    const progress = new EngineProgress({
      labels: resourceLabels(plan),
      info: line => ctx.logger.info(line),
      warn: line => ctx.logger.warn(line),
      redact: text => redactor.redact(text),
    });
    const stackName = engine.stackName(plan.environment);
    ctx.logger.info(
      `Provisioning the Azure identity of the ESC environment ${plan.environmentRef}`,
    );
    const apply = async (planned: ProvisionPlan) => {
      let authorized = false;
      const provisioned = await engine
        .provision(planned, {
          onEvent: event => progress.handle(event),
          onNotice: message => ctx.logger.info(message),
          signal: ctx.signal,
          authorize: state => {
            const held = state.resources > 0 || state.owner;
            refuseUnlessSteward(
              plan,
              requester,
              held
                ? {
                    where: `its Pulumi stack ${stackName}`,
                    owner: state.owner,
                    environmentRef: state.environmentRef,
                  }
                : undefined,
            );
            authorized = true;
          },
        })
        .catch(error => {
          throw explainFailure(error, plan, progress.errors(), redactor);
        });
      if (!authorized) {
        throw new Error(
          `The provisioning engine did not check who owns the stack ${stackName}; it must call authorize before it updates`,
        );
      }
      return provisioned;
    };
    // A retried task reuses a finished run's result instead of running again.
    const key = `${PROVISION_ACTION_ID}:${createHash('sha256')
      .update(JSON.stringify(plan))
      .digest('hex')}`;
    const outcome = await ctx.checkpoint({
      key,
      fn: async (): Promise<ActionOutcome> => {
        // Read first: an environment the portal may not overwrite stops the run unchanged.
        const current = plan.createEscEnvironment
          ? await readEscEnvironment(plan, ctx.signal)
          : undefined;
        const retiring = plan.retiringCredentials;
        if (retiring.length > 0) {
          // Never a moment when neither subject is trusted: the new
          // credentials first, then the definition, then the old ones go.
          ctx.logger.info(
            `The subject changes: trusting the new subject alongside the old one (${retiring
              .map(c => c.name)
              .join(', ')}) until the environment's definition uses it`,
          );
        }
        const provisioned = await apply({
          ...plan,
          credentials: [...plan.credentials, ...retiring],
          retiringCredentials: [],
        });
        if (!plan.createEscEnvironment) {
          if (retiring.length > 0) {
            ctx.logger.warn(
              `Update the ESC environment ${plan.environmentRef} with the YAML this run returns: until then its tokens carry the old subject, which stays trusted; the next run of this template removes it.`,
            );
          }
          return provisioned;
        }
        // Once the trust exists, so that the first revision can log in.
        const change = await escEnvironments!
          .write(
            plan.environment,
            provisioned.outputs.environmentYaml,
            current,
            ctx.signal,
          )
          .catch(error => {
            throw explainFailure(error, plan, [], redactor);
          });
        ctx.logger.info(`${change}: ${escEnvironmentLabel(plan)}`);
        const final = retiring.length > 0 ? await apply(plan) : provisioned;
        return { ...final, escEnvironmentChange: change };
      },
    });
    ctx.logger.info(
      `The Azure identity of ${plan.environmentRef} is ready: client id ${
        outcome.outputs.clientId
      } (${describeChanges(outcome.changes)})`,
    );
    return outcome;
  }

  async function readEscEnvironment(
    plan: ProvisionPlan,
    signal: AbortSignal | undefined,
  ): Promise<EscEnvironmentDefinition | undefined> {
    const current = await escEnvironments!
      .read(plan.environment, signal)
      .catch(error => {
        throw explainFailure(error, plan, [], redactor);
      });
    if (current && !portalMayOverwrite(current.yaml)) {
      throw new NotAllowedError(
        `Cannot provision ${plan.environmentRef}: the ESC environment exists in Pulumi Cloud and is not the portal's; ` +
          `its definition does not begin with '${MANAGED_BY_PORTAL}'. Choose another name, ` +
          'or hand the environment to the portal by adding that line at the top of its definition.',
      );
    }
    return current;
  }
}

/** The subject mode in one line, and why it is the one. */
function describeSubject(plan: ProvisionPlan): string {
  const mode =
    plan.subjectMode === 'subjectAttributes'
      ? `subjectAttributes (${plan.subjectAttributes.join(
          ', ',
        )}): tokens name the environment holding the login, whoever opens it`
      : 'environment: tokens name the environment that was opened, so environments importing this one and Pulumi stacks cannot log in with it';
  const why = {
    requested: 'as requested',
    recorded: "kept from the environment's last run",
    default: 'the default for new environments',
  }[plan.subjectModeSource];
  return `Subject mode ${mode} (${why})`;
}

/** Refuses to change an environment someone else owns, before anything changes. */
function refuseUnlessSteward(
  plan: ProvisionPlan,
  requester: Requester,
  record: OwnershipRecord | undefined,
): void {
  const problem = checkRecord(requester, plan.environmentRef, record);
  if (problem) {
    throw new NotAllowedError(
      `Cannot provision ${plan.environmentRef}: it ${problem}.`,
    );
  }
}

/** An error that says what failed and why, with no secret in it. */
function explainFailure(
  error: Error,
  plan: ProvisionPlan,
  engineErrors: string[],
  redactor: SecretRedactor,
): Error {
  if (!(error instanceof ProvisioningFailedError)) {
    return Object.assign(new Error(redactor.redact(error.message)), {
      name: error.name,
    });
  }
  // The engine's own diagnostics say why; the CLI's output is the fallback.
  const reasons =
    engineErrors.length > 0 ? engineErrors : lastLines(error.stderr, 5);
  return Object.assign(
    new Error(
      redactor.redact(
        `Provisioning the Azure identity of ${
          plan.environmentRef
        } failed:\n${reasons.map(reason => `- ${reason}`).join('\n')}`,
      ),
    ),
    { name: error.name },
  );
}

function lastLines(text: string, count: number): string[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .slice(-count);
}
