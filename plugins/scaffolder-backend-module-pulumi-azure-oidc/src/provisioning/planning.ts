/**
 * The plan of a task: refused with every problem before anything reaches a
 * cloud; stewardship; then planned again with what the environment's last
 * run recorded, so that names and the subject mode carry over.
 */
import { InputError } from '@backstage/errors';
import {
  describeProblems,
  escEnvironmentEntityName,
  legacyEscEnvironmentEntityName,
  formatEnvironmentRef,
  PlanContext,
  planProvisioning,
  ProvisionPlan,
  ProvisionRequest,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EnvironmentEngine } from '../engine/engine';
import { StackState } from '../engine/stackModel';
import type { ProvisionTask } from './environmentProvisioner';
import { CatalogRecord, Stewardship } from './stewardship';

export interface PlanningServices {
  engine: EnvironmentEngine;
  stewardship: Stewardship;
  /** What the portal brings to every plan. */
  planContext: Omit<
    PlanContext,
    'requester' | 'recorded' | 'escEnvironmentsEnabled'
  >;
  escEnvironmentsEnabled: boolean;
  /** Dry runs read the stack too, to compare with it. */
  compareWithStack?: boolean;
}

/** The plan, and the stack it was planned against, when it was read. */
export interface PlannedRequest {
  plan: ProvisionPlan;
  stack?: StackState;
}

/**
 * The plan, refused with every problem before anything reaches a cloud;
 * stewardship; then the plan again with what the environment's last run
 * recorded (its stack's, or in dry runs its catalog entity's).
 */
export async function planRequest(
  task: Pick<
    ProvisionTask,
    'request' | 'requester' | 'dryRun' | 'signal' | 'log'
  >,
  services: PlanningServices,
): Promise<PlannedRequest> {
  const context: PlanContext = {
    ...services.planContext,
    escEnvironmentsEnabled: services.escEnvironmentsEnabled,
    requester: task.requester,
  };
  const requested = planOrRefuse(task.request, context);
  const catalog: CatalogRecord | undefined =
    await services.stewardship.authorize(task.requester, {
      verb: 'provision',
      environmentRef: requested.environmentRef,
      entityName: escEnvironmentEntityName(requested.environment),
      legacyEntityName: legacyEscEnvironmentEntityName(requested.environment),
      owner: requested.owner,
    });
  const stack =
    task.dryRun && !services.compareWithStack
      ? undefined
      : await services.engine.outputs(requested.environment, {
          signal: task.signal,
        });
  const plan = planOrRefuse(task.request, {
    ...context,
    recorded: {
      credentials: stack?.credentials ?? [],
      roleAssignmentNames: stack?.roleAssignmentNames ?? {},
      subjectMode: stack?.subjectMode ?? catalog?.subjectMode,
      subjectAttributes: stack?.subjectMode
        ? stack.subjectAttributes
        : catalog?.subjectAttributes,
    },
  });
  task.log.info(describeSubject(plan));
  return { plan, stack };
}

function planOrRefuse(
  request: ProvisionRequest,
  context: PlanContext,
): ProvisionPlan {
  const result = planProvisioning(request, context);
  if (result.plan) return result.plan;
  const requested = formatEnvironmentRef({
    organization: request.organization ?? context.defaultOrganization ?? '?',
    project: request.project,
    environment: request.environment,
  });
  throw new InputError(
    `Cannot provision ${requested}:\n${describeProblems(result.problems)}`,
  );
}

/** The subject mode in one line, and why it is the one. */
export function describeSubject(plan: ProvisionPlan): string {
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
