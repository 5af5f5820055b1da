/**
 * The engine, through the Pulumi Automation API: one stack per ESC
 * environment; dry runs under mocks in the preview runner; Pulumi's errors
 * and events turned into the engine interface's, here and nowhere else.
 */
import {
  EscEnvironmentRef,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { SecretRedactor } from '../../secrets';
import {
  ApplyOptions,
  ApplyResult,
  destroyed,
  DestroyResult,
  Drift,
  EngineCancelledError,
  EngineFailedError,
  EnvironmentEngine,
  EscAzureOidcOutputs,
  PreviewResult,
  RefreshResult,
  RunOptions,
  StackLockedError,
} from '../engine';
import { PreviewRunner } from '../preview/previewRunner';
import { stackNameFor } from '../stackNames';
import { RESOURCE_TYPES, StackState } from '../stackModel';
import { readStackState } from './stackState';
import { OperationLog, Step } from './operationLog';
import { countChanges } from './pulumiEvents';
import { Recovery, RecoveryServices } from './recovery';

import { stackProgram } from './automationApi';
import { EngineStack, Workspaces } from './workspace';

/** The Automation API's errors of a command that ran and failed. */
const COMMAND_ERRORS = new Set([
  'CommandError',
  'StackNotFoundError',
  'StackAlreadyExistsError',
]);

export interface AutomationEngineOptions {
  workspaces: Workspaces;
  previews: PreviewRunner;
  redactor: SecretRedactor;
  /** Graph and ARM as the deployer, to adopt what a run that died left behind. */
  recovery?: RecoveryServices;
  tenantId?: string;
}

type Operation<T> = (stack: EngineStack, step: Step) => Promise<T>;

/** A run's options; a change's say whether a stopped run's lock is to be released. */
type OperationOptions = RunOptions & Pick<ApplyOptions, 'afterStoppedRun'>;

export class AutomationApiEngine implements EnvironmentEngine {
  private readonly running = new Set<string>();

  constructor(private readonly options: AutomationEngineOptions) {}

  stackName(environment: EscEnvironmentRef): string {
    return this.options.workspaces.stackName(environment);
  }

  close(): Promise<void> {
    return this.options.previews.close();
  }

  preview(plan: ProvisionPlan): Promise<PreviewResult> {
    return this.options.previews.run({
      plan,
      stackName: stackNameFor(plan.environment),
      tenantId: this.options.tenantId,
    });
  }

  outputs(
    environment: EscEnvironmentRef,
    options: RunOptions = {},
  ): Promise<StackState> {
    return this.operate(environment, options, async stack =>
      readStackState(await stack.exportStack()),
    );
  }

  apply(plan: ProvisionPlan, options: ApplyOptions): Promise<ApplyResult> {
    return this.exclusively(plan.environment, options, async (stack, step) => {
      const state = readStackState(await step(() => stack.exportStack()));
      options.authorize(state);
      const { escAzureOidcProgram } = stackProgram();
      const recovery = new Recovery(plan, this.options.recovery, options);
      await recovery.prepare(state, stack, step);
      await step(() =>
        stack.setAllConfig(this.options.workspaces.providerConfig(plan)),
      );
      this.cancelled(plan.environment, options.signal);
      const result = await recovery.update(
        (adopt, log) =>
          step(
            () =>
              stack.up({
                refresh: true,
                program: escAzureOidcProgram(plan, adopt),
                ...log.listen(),
              }),
            log,
          ),
        () => new OperationLog(options),
      );
      return {
        stackName: this.stackName(plan.environment),
        outputs: Object.fromEntries(
          Object.entries(result.outputs).map(([key, { value }]) => [
            key,
            value,
          ]),
        ) as EscAzureOidcOutputs,
        changes: countChanges(result.summary.resourceChanges),
      };
    });
  }

  destroy(
    environment: EscEnvironmentRef,
    options: ApplyOptions,
  ): Promise<DestroyResult> {
    return this.exclusively(environment, options, async (stack, step) => {
      const state = readStackState(await step(() => stack.exportStack()));
      options.authorize(state);
      const credentials = state.held
        .filter(r => r.type === RESOURCE_TYPES.credential)
        .map(r => r.urn);
      // The trust ends with its credentials: they go first, on their own.
      if (credentials.length > 0) {
        const log = new OperationLog(options);
        await step(
          () => stack.destroy({ target: credentials, ...log.listen() }),
          log,
        );
      }
      if (state.resources > credentials.length) {
        const log = new OperationLog(options);
        await step(() => stack.destroy(log.listen()), log);
      }
      await step(() => stack.remove());
      return destroyed(this.stackName(environment), state.resources);
    });
  }

  refresh(
    environment: EscEnvironmentRef,
    options: RunOptions = {},
  ): Promise<RefreshResult> {
    return this.operate(environment, options, async (stack, step) => {
      const drift: Drift[] = [];
      const log = new OperationLog({
        signal: options.signal,
        onEvent: event => {
          // A refresh step's outputs come as an update (with its diff) or a
          // delete when Azure differs from the state; the same otherwise
          // (pulumi/pulumi pkg/backend/display/json.go, ResourceOutputsEvent).
          if (event.type === 'step' && event.done) {
            if (event.step === 'update' || event.step === 'delete') {
              drift.push({
                resource: event.resource,
                change: event.step === 'delete' ? 'gone' : 'changed',
              });
            }
          }
          options.onEvent?.(event);
        },
      });
      await step(() => stack.previewRefresh(log.listen()), log);
      return { stackName: this.stackName(environment), drift };
    });
  }

  /** An operation on the environment's stack, its errors in the interface's terms. */
  private async operate<T>(
    environment: EscEnvironmentRef,
    options: OperationOptions,
    operation: Operation<T>,
  ): Promise<T> {
    this.cancelled(environment, options.signal);
    const step = <S>(fn: () => Promise<S>, log?: OperationLog) =>
      this.step(environment, options.signal, fn, log);
    const { stack, release } = await step(() =>
      this.options.workspaces.select(environment),
    );
    // Succeeded, failed or cancelled: the run's Pulumi home goes.
    try {
      return await operation(
        stack,
        this.releasingStoppedRun(stack, step, options),
      );
    } finally {
      await release();
    }
  }

  /**
   * Steps that, once, release the update lock of a run whose replica died
   * (the environment's lease says so) and try again. Such a run leaves
   * Pulumi Cloud answering "[409] Conflict: Another update is currently in
   * progress" and a DIY backend a lock file ("the stack is currently locked
   * by 1 lock(s) ... delete the lock file with `pulumi cancel`"), both a
   * ConcurrentUpdateError in the Automation API (automation/errors.ts);
   * `pulumi cancel` (Stack.cancel) ends either (pulumi/pulumi#9100 for DIY
   * backends). What the run left pending is then Recovery's.
   */
  private releasingStoppedRun(
    stack: EngineStack,
    step: Step,
    options: OperationOptions,
  ): Step {
    let stoppedRun = options.afterStoppedRun;
    return async (fn, log) => {
      try {
        return await step(fn, log);
      } catch (error) {
        if (!stoppedRun || !(error instanceof StackLockedError)) throw error;
        options.onEvent?.({
          type: 'notice',
          message: `The stack is still locked by the update of ${stoppedRun}, which stopped without finishing: cancelling that update (pulumi cancel) and going on`,
        });
        stoppedRun = undefined;
        await step(() => stack.cancel());
        return step(fn, log);
      }
    };
  }

  /** As `operate`, never two at once for one environment in this backend. */
  private async exclusively<T>(
    environment: EscEnvironmentRef,
    options: RunOptions,
    operation: Operation<T>,
  ): Promise<T> {
    const stackName = this.stackName(environment);
    // Two runs in this backend would only meet at the state lock; fail as early.
    if (this.running.has(stackName)) {
      throw new StackLockedError(environment, stackName);
    }
    this.running.add(stackName);
    try {
      return await this.operate(environment, options, operation);
    } finally {
      this.running.delete(stackName);
    }
  }

  private cancelled(environment: EscEnvironmentRef, signal?: AbortSignal) {
    if (signal?.aborted) throw new EngineCancelledError(environment);
  }

  /**
   * Runs a CLI step and says what went wrong in the terms of the
   * environment: cancelled, locked, or failed with what the engine said.
   * Only the Automation API's public error classes and messages are read.
   */
  private async step<T>(
    environment: EscEnvironmentRef,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
    log?: OperationLog,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted) throw new EngineCancelledError(environment);
      const name = (error as Error)?.name;
      if (name === 'ConcurrentUpdateError') {
        throw new StackLockedError(environment, this.stackName(environment));
      }
      if (!COMMAND_ERRORS.has(name)) throw error;
      throw new EngineFailedError(
        `The Pulumi CLI failed for stack ${this.stackName(environment)}`,
        (log ?? new OperationLog()).whatItSaid(
          error as Error,
          this.options.redactor,
        ),
      );
    }
  }
}
