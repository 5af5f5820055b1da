/**
 * One environment's provisioning, start to end: the plan (every problem
 * with the request, before any cloud), stewardship, the dry run or the
 * update through the engine, the environment's definition in Pulumi Cloud,
 * and its links. The provision action is a thin adapter over it.
 */
import { NotAllowedError } from '@backstage/errors';
import {
  ProvisionPlan,
  ProvisionRequest,
  Requester,
  requestedOrganization,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createHash } from 'node:crypto';
import { SecretRedactor } from '../secrets';
import {
  ApplyOptions,
  ApplyResult,
  EngineFailedError,
  EnvironmentEngine,
} from '../engine/engine';
import {
  EscEnvironmentChange,
  EscEnvironments,
} from '../pulumiCloud/escEnvironments';
import {
  grantOwnerTeamOpen,
  TeamMapping,
} from '../pulumiCloud/ownerTeamAccess';
import { EnvironmentLinks, environmentLinks } from './links';
import {
  describeChanges,
  EngineProgress,
  escEnvironmentLabel,
  resourceLabels,
} from './progress';
import {
  EnvironmentLocks,
  exclusively,
} from '../coordination/environmentLocks';
import { EscDefinitions } from './escDefinitions';
import { PlanningServices, planRequest } from './planning';
import { reportPreview } from './previewReport';
import { changesAgainstStack, describeStackChanges } from './stackDiff';
import { Stewardship } from './stewardship';

export interface ProvisionerOptions {
  engine: EnvironmentEngine;
  stewardship: Stewardship;
  /** Present when a Pulumi Cloud token is configured. */
  escEnvironments?: EscEnvironments;
  /** Owners' groups → Pulumi Cloud teams granted `open` on what is written. */
  teams?: TeamMapping;
  /** What the portal brings to every plan. */
  planContext: PlanningServices['planContext'];
  consoleUrl: string;
  redactor: SecretRedactor;
  /** Dry runs read the environment's stack, to show what an update would change. */
  compareWithStack?: boolean;
  /** One change per environment at a time, across replicas. */
  locks?: EnvironmentLocks;
}

/** What a task brings: its request, its user, and its scaffolder context. */
export interface ProvisionTask {
  request: ProvisionRequest;
  requester: Requester;
  dryRun: boolean;
  signal?: AbortSignal;
  log: { info(line: string): void; warn(line: string): void };
  /** Keeps a finished result, so that a retried task does not run again. */
  checkpoint(
    key: string,
    fn: () => Promise<ProvisionOutcome>,
  ): Promise<ProvisionOutcome>;
}

/** A task holding the environment's lease, and how it came by it. */
type LeasedProvisionTask = ProvisionTask &
  Pick<ApplyOptions, 'afterStoppedRun'>;

export type ProvisionOutcome = ApplyResult & {
  escEnvironmentChange?: EscEnvironmentChange;
};

export interface ProvisionResult {
  plan: ProvisionPlan;
  outcome: ProvisionOutcome;
  links: EnvironmentLinks;
  /** Dry runs: what a first run would register. */
  plannedResources?: Array<{ type: string; name: string }>;
  /**
   * The owner the environment's stack recorded before this run, when it was
   * read (every real run; dry runs that compare with the stack) and records one.
   */
  previousOwner?: string;
}

export const PROVISION_CHECKPOINT = 'pulumi:azureOidc:provision';

export class EnvironmentProvisioner {
  private readonly definitions: EscDefinitions | undefined;

  constructor(private readonly options: ProvisionerOptions) {
    this.definitions =
      options.escEnvironments && new EscDefinitions(options.escEnvironments);
  }

  /** Errors keep their class and cause; their words lose every secret. */
  provision(task: ProvisionTask): Promise<ProvisionResult> {
    // From the ownership check to the last write, no other task of any
    // replica changes the environment.
    const { request } = task;
    const organization = requestedOrganization(
      request,
      this.options.planContext,
    );
    const environmentRef =
      !task.dryRun && organization && request.project && request.environment
        ? `${organization}/${request.project}/${request.environment}`
        : undefined;
    return this.options.redactor.masking(() =>
      exclusively(
        this.options.locks,
        environmentRef,
        {
          heldFor: `a provision run by ${task.requester.userEntityRef}`,
          signal: task.signal,
          log: task.log,
        },
        lease =>
          this.provisionOnce({ ...task, afterStoppedRun: lease.stoppedRun }),
      ),
    );
  }

  private async provisionOnce(
    task: LeasedProvisionTask,
  ): Promise<ProvisionResult> {
    const { plan, stack } = await planRequest(task, {
      ...this.options,
      escEnvironmentsEnabled: !!this.options.escEnvironments,
    });
    const links = (clientId?: string) =>
      environmentLinks({
        consoleUrl: this.options.consoleUrl,
        environment: plan.environment,
        clientId,
      });
    if (task.dryRun) {
      const { resources, outputs } = await this.options.engine.preview(plan, {
        signal: task.signal,
      });
      reportPreview(
        { plan, stack, resources, roles: this.options.planContext.roles },
        task.log,
      );
      return {
        plan,
        plannedResources: resources,
        previousOwner: stack?.owner,
        links: links(),
        outcome: {
          stackName: this.options.engine.stackName(plan.environment),
          outputs,
          changes: {
            created: resources.length,
            updated: 0,
            replaced: 0,
            deleted: 0,
            same: 0,
          },
        },
      };
    }
    task.log.info(
      `Provisioning the Azure identity of the ESC environment ${plan.environmentRef}`,
    );
    if (stack && stack.resources > 0) {
      const diff = changesAgainstStack(
        plan,
        stack,
        this.options.planContext.roles,
      );
      for (const line of describeStackChanges(diff, 'will')) {
        task.log.info(line);
      }
    }
    const key = `${PROVISION_CHECKPOINT}:${createHash('sha256')
      .update(JSON.stringify(plan))
      .digest('hex')}`;
    const outcome = await task.checkpoint(key, () =>
      this.apply(plan, task, stack?.environmentRef),
    );
    task.log.info(
      `The Azure identity of ${plan.environmentRef} is ready: client id ${
        outcome.outputs.clientId
      } (${describeChanges(outcome.changes)})`,
    );
    return {
      plan,
      outcome,
      links: links(outcome.outputs.clientId),
      previousOwner: stack?.owner,
    };
  }

  /**
   * Reads the environment's definition first (one the portal may not
   * overwrite stops the run unchanged), applies, and writes the definition
   * once the trust exists. A change of subject trusts both subjects until
   * the definition names the new one, then removes the old credentials.
   */
  private async apply(
    plan: ProvisionPlan,
    task: LeasedProvisionTask,
    recordedEnvironmentRef: string | undefined,
  ): Promise<ProvisionOutcome> {
    const current = plan.createEscEnvironment
      ? await this.definitions!.readOwn(
          plan,
          { recordedEnvironmentRef, requester: task.requester, log: task.log },
          task.signal,
        )
      : undefined;
    const retiring = plan.retiringCredentials;
    if (retiring.length > 0) {
      task.log.info(
        `The subject changes: trusting the new subject alongside the old one (${retiring
          .map(c => c.name)
          .join(', ')}) until the environment's definition uses it`,
      );
    }
    const applied = await this.applyOnce(
      {
        ...plan,
        credentials: [...plan.credentials, ...retiring],
        retiringCredentials: [],
      },
      task,
    );
    if (!plan.createEscEnvironment) {
      if (retiring.length > 0) {
        task.log.warn(
          `Update the ESC environment ${plan.environmentRef} with the YAML this run returns: until then its tokens carry the old subject, which stays trusted; the next run of this template removes it.`,
        );
      }
      return applied;
    }
    // Once the trust exists, so that the first revision can log in.
    const change = await this.definitions!.write(
      plan,
      applied.outputs.environmentYaml,
      current,
      task.signal,
    );
    task.log.info(`${change}: ${escEnvironmentLabel(plan)}`);
    await grantOwnerTeamOpen({
      escEnvironments: this.options.escEnvironments!,
      teams: this.options.teams ?? [],
      environment: plan.environment,
      owner: plan.owner,
      log: task.log,
      signal: task.signal,
    });
    const final =
      retiring.length > 0 ? await this.applyOnce(plan, task) : applied;
    return { ...final, escEnvironmentChange: change };
  }

  private async applyOnce(plan: ProvisionPlan, task: LeasedProvisionTask) {
    const { engine, stewardship, redactor } = this.options;
    const stackName = engine.stackName(plan.environment);
    const progress = new EngineProgress({
      labels: resourceLabels(plan),
      info: line => task.log.info(line),
      warn: line => task.log.warn(line),
      redact: text => redactor.redact(text),
    });
    let authorized = false;
    try {
      const result = await engine.apply(plan, {
        signal: task.signal,
        afterStoppedRun: task.afterStoppedRun,
        onEvent: event => progress.handle(event),
        authorize: state => {
          stewardship.authorizeStack(
            task.requester,
            { verb: 'provision', environmentRef: plan.environmentRef },
            stackName,
            state,
          );
          authorized = true;
        },
      });
      if (!authorized) {
        throw new NotAllowedError(
          `The engine did not check who owns the stack ${stackName}; it must call authorize before it changes anything`,
        );
      }
      return result;
    } catch (error) {
      if (!(error instanceof EngineFailedError)) throw error;
      throw error.explained(
        `Provisioning the Azure identity of ${plan.environmentRef}`,
      );
    }
  }
}
