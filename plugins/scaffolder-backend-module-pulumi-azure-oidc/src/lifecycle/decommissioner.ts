/**
 * Removing an environment's trust without leaving anything behind: checked
 * (confirmation, stewardship, what uses it) before anything changes; then
 * the stack destroyed (credentials first, so the trust ends at once), the
 * ESC environment deleted when the portal wrote it, and the catalog entity
 * unregistered and its files removed. Every step accepts what an earlier, half-finished run left,
 * so running it again finishes the job.
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  portalWrote,
  Requester,
  RoleCatalogue,
  legacyEscEnvironmentEntityName,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogDestination } from '../catalogDestinations';
import {
  ApplyOptions,
  EngineFailedError,
  EnvironmentEngine,
} from '../engine/engine';
import { StackState } from '../engine/stackModel';
import { EngineProgress, stateLabels } from '../provisioning/progress';
import { Stewardship } from '../provisioning/stewardship';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { SecretRedactor } from '../secrets';
import {
  EnvironmentLocks,
  exclusively,
} from '../coordination/environmentLocks';
import { removeFromCatalog } from './catalogRemoval';
import { refuseUnconfirmedDependants } from './dependants';
import { EnvironmentTarget } from './environmentTarget';

export interface DecommissionTask {
  target: EnvironmentTarget;
  requester: Requester;
  /** Must equal the environment's full name. */
  confirm: string;
  /** Dependants the requester confirms by name: `project/environment`, `project/stack`. */
  confirmDependants: string[];
  dryRun: boolean;
  signal?: AbortSignal;
  log: { info(line: string): void; warn(line: string): void };
}

/** A task holding the environment's lease, and how it came by it. */
type LeasedDecommissionTask = DecommissionTask &
  Pick<ApplyOptions, 'afterStoppedRun'>;

export interface DecommissionOutcome {
  /** What was removed, or in a dry run would be. */
  removed: string[];
  /** What was left, and why. */
  kept: string[];
  /** Nothing was left to remove. */
  alreadyGone: boolean;
}

export interface DecommissionerOptions {
  engine: EnvironmentEngine;
  stewardship: Stewardship;
  escEnvironments?: EscEnvironments;
  catalog: CatalogService;
  auth: AuthService;
  roles: RoleCatalogue;
  redactor: SecretRedactor;
  /** Where the entity's files are kept. */
  destination: CatalogDestination;
  /** One change per environment at a time, across replicas. */
  locks?: EnvironmentLocks;
}

export class Decommissioner {
  constructor(private readonly options: DecommissionerOptions) {}

  /** Errors keep their class and cause; their words lose every secret. */
  decommission(task: DecommissionTask): Promise<DecommissionOutcome> {
    return this.options.redactor.masking(() =>
      exclusively(
        this.options.locks,
        task.dryRun ? undefined : task.target.environmentRef,
        {
          heldFor: `a decommission run by ${task.requester.userEntityRef}`,
          signal: task.signal,
          log: task.log,
        },
        lease =>
          this.decommissionOnce({ ...task, afterStoppedRun: lease.stoppedRun }),
      ),
    );
  }

  private async decommissionOnce(
    task: LeasedDecommissionTask,
  ): Promise<DecommissionOutcome> {
    const { target, requester, signal, log } = task;
    const { engine, stewardship } = this.options;
    if (task.confirm !== target.environmentRef) {
      throw new InputError(
        `confirm must be the environment's full name, '${target.environmentRef}', to decommission it; got '${task.confirm}'`,
      );
    }
    const state = await stewardship.authorizeEnvironment(
      requester,
      {
        verb: 'decommission',
        ...target,
        legacyEntityName: legacyEscEnvironmentEntityName(target.environment),
      },
      target.environment,
      engine,
      signal,
    );
    const stackName = engine.stackName(target.environment);
    await refuseUnconfirmedDependants(this.options.escEnvironments, task);

    const outcome: DecommissionOutcome = {
      removed: [],
      kept: [],
      alreadyGone: true,
    };
    const labels = stateLabels(state, this.options.roles);
    if (state.resources > 0) {
      outcome.alreadyGone = false;
      outcome.removed.push(...labels.values(), `Pulumi stack ${stackName}`);
    }
    if (!task.dryRun) {
      await this.destroyStack(task, state);
    }
    await this.removeDefinition(task, outcome);
    await removeFromCatalog(this.options, task, outcome);
    // A real run's progress lines told the stack's resources already.
    const told = task.dryRun ? new Set<string>() : new Set(labels.values());
    for (const line of outcome.removed.filter(l => !told.has(l))) {
      log.info(`${task.dryRun ? 'would remove' : 'removed'}: ${line}`);
    }
    for (const line of outcome.kept) log.warn(`kept: ${line}`);
    if (outcome.alreadyGone) {
      log.info(`Nothing of ${target.environmentRef} was left to remove`);
    }
    return outcome;
  }

  private async destroyStack(task: LeasedDecommissionTask, state: StackState) {
    const { engine, stewardship, redactor, roles } = this.options;
    const { target, requester, signal, log } = task;
    const progress = new EngineProgress({
      labels: stateLabels(state, roles),
      info: line => log.info(line),
      warn: line => log.warn(line),
      redact: text => redactor.redact(text),
    });
    await engine
      .destroy(target.environment, {
        signal,
        afterStoppedRun: task.afterStoppedRun,
        onEvent: event => progress.handle(event),
        // Asked again under the engine's lock: the stack may have changed.
        authorize: current =>
          stewardship.authorizeStack(
            requester,
            { verb: 'decommission', environmentRef: target.environmentRef },
            engine.stackName(target.environment),
            current,
          ),
      })
      .catch(error => {
        if (!(error instanceof EngineFailedError)) throw error;
        throw error.explained(
          `Removing the Azure identity of ${target.environmentRef}`,
        );
      });
  }

  /** Deleted when the portal wrote it; someone else's is left, and said so. */
  private async removeDefinition(
    task: DecommissionTask,
    outcome: DecommissionOutcome,
  ) {
    const { escEnvironments } = this.options;
    const label = `ESC environment ${task.target.environmentRef} in Pulumi Cloud`;
    if (!escEnvironments) {
      outcome.kept.push(
        `${label}, if it exists: no Pulumi Cloud access token is configured; delete it yourself`,
      );
      return;
    }
    const current = await escEnvironments.read(
      task.target.environment,
      task.signal,
    );
    if (!current) return;
    if (!portalWrote(current.yaml)) {
      outcome.kept.push(
        `${label}: the portal did not write its definition, so it is not the portal's to delete`,
      );
      return;
    }
    outcome.alreadyGone = false;
    outcome.removed.push(label);
    if (!task.dryRun) {
      await escEnvironments.remove(task.target.environment, task.signal);
    }
  }
}
