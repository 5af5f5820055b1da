/**
 * An engine that stands in for the Pulumi Automation API where no cloud is
 * reachable: the backend tests and the browser journey's backend use it.
 * Its stacks live where it is told (this process's memory by default, or a
 * database that several backend processes share, as remote state is), so
 * that an update or a decommission reads what the previous run left; its
 * dry runs and updates run the real program under Pulumi's mocks, and
 * return the ids Azure would assign. Never part of the production backend.
 *
 * An update holds its stack's lock, as `pulumi up` does, and a process
 * killed mid-update leaves it held: the next update fails as locked, as
 * the Automation API's ConcurrentUpdateError does, unless the environment's
 * lease says that run stopped, when the lock is released, as the real
 * engine's `pulumi cancel` does (see automationEngine.ts).
 */
import {
  ApplyOptions,
  createPreviewRunner,
  destroyed,
  emptyStackState,
  EnvironmentEngine,
  PREVIEW_PLACEHOLDERS,
  StackLockedError,
  StackState,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import type { EscEnvironmentRef } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { randomUUID } from 'node:crypto';

/** Where the stand-in keeps its stacks, and their update locks. */
export interface StandInStacks {
  get(stackName: string): Promise<StackState | undefined>;
  put(stackName: string, state: StackState): Promise<void>;
  delete(stackName: string): Promise<void>;
  /** Takes the stack's update lock for `run`; false while another run holds it. */
  lock(stackName: string, run: string): Promise<boolean>;
  /** Lets go of `run`'s lock; with no run, of whichever run holds it. */
  unlock(stackName: string, run?: string): Promise<void>;
}

/** Stacks in this process's memory, for the life of the process. */
export function memoryStacks(): StandInStacks & {
  states: Map<string, StackState>;
} {
  const states = new Map<string, StackState>();
  const locks = new Map<string, string>();
  return {
    states,
    get: async stackName => states.get(stackName),
    put: async (stackName, state) => void states.set(stackName, state),
    delete: async stackName => void states.delete(stackName),
    lock: async (stackName, run) => {
      if (locks.has(stackName)) return false;
      locks.set(stackName, run);
      return true;
    },
    unlock: async (stackName, run) => {
      if (!run || locks.get(stackName) === run) locks.delete(stackName);
    },
  };
}

export function createStandInEngine(options: {
  tenantId: string;
  /** The client id the stand-in's applications get. */
  clientId: string;
  stacks: StandInStacks;
  /** How long an update or a destroy takes, holding the stack's lock. */
  updateMs?: number;
}): EnvironmentEngine {
  const { stacks } = options;
  // Dry runs are the real program under mocks, in turn on this thread.
  const previews = createPreviewRunner({ workers: 0 });

  const stackNameOf = (environment: EscEnvironmentRef) =>
    `${environment.organization}.${environment.project}.${environment.environment}`;

  /** Runs `change` holding the stack's update lock. */
  const updating = async <T>(
    environment: EscEnvironmentRef,
    { afterStoppedRun, onEvent }: ApplyOptions,
    change: (stackName: string) => Promise<T>,
  ): Promise<T> => {
    const stackName = stackNameOf(environment);
    const run = randomUUID();
    if (!(await stacks.lock(stackName, run))) {
      if (!afterStoppedRun) throw new StackLockedError(environment, stackName);
      onEvent?.({
        type: 'notice',
        message: `Stand-in: releasing the lock ${afterStoppedRun} left on stack ${stackName}`,
      });
      await stacks.unlock(stackName);
      if (!(await stacks.lock(stackName, run))) {
        throw new StackLockedError(environment, stackName);
      }
    }
    try {
      if (options.updateMs) {
        await new Promise(resolve => setTimeout(resolve, options.updateMs));
      }
      return await change(stackName);
    } finally {
      await stacks.unlock(stackName, run);
    }
  };

  const engine: EnvironmentEngine = {
    stackName: stackNameOf,
    preview: plan =>
      previews.run({
        plan,
        stackName: engine.stackName(plan.environment),
        tenantId: options.tenantId,
      }),
    outputs: async environment =>
      (await stacks.get(engine.stackName(environment))) ?? emptyStackState(),
    apply: (plan, applyOptions) =>
      updating(plan.environment, applyOptions, async stackName => {
        const before = (await stacks.get(stackName)) ?? emptyStackState();
        applyOptions.authorize(before);
        const preview = await engine.preview(plan);
        const outputs = JSON.parse(
          JSON.stringify(preview.outputs).replaceAll(
            PREVIEW_PLACEHOLDERS.clientId,
            options.clientId,
          ),
        );
        const resources = preview.resources.length;
        await stacks.put(stackName, {
          ...emptyStackState(),
          resources,
          owner: plan.owner,
          environmentRef: plan.environmentRef,
          subjectMode: plan.subjectMode,
          subjectAttributes: plan.subjectAttributes,
          credentials: plan.credentials,
          roleAssignments: plan.roleAssignments.map(assignment => ({
            logicalName: assignment.logicalName,
            name: assignment.roleAssignmentName,
            scope: assignment.scope.id,
            roleDefinitionId: assignment.roleDefinitionId,
          })),
          roleAssignmentNames: Object.fromEntries(
            plan.roleAssignments.map(a => [
              a.logicalName,
              a.roleAssignmentName,
            ]),
          ),
          identity: {
            clientId: outputs.clientId,
            tenantId: outputs.tenantId,
            subscriptionId: outputs.subscriptionId,
            servicePrincipalObjectId: outputs.servicePrincipalObjectId,
            environmentYaml: outputs.environmentYaml,
          },
        });
        return {
          stackName,
          outputs,
          changes: {
            created: Math.max(resources - before.resources, 0),
            updated: 0,
            replaced: 0,
            deleted: Math.max(before.resources - resources, 0),
            same: Math.min(before.resources, resources),
          },
        };
      }),
    destroy: (environment, destroyOptions) =>
      updating(environment, destroyOptions, async stackName => {
        const state = (await stacks.get(stackName)) ?? emptyStackState();
        destroyOptions.authorize(state);
        await stacks.delete(stackName);
        return destroyed(stackName, state.resources);
      }),
    // Nobody changes the stand-in's objects behind its back.
    refresh: async environment => ({
      stackName: engine.stackName(environment),
      drift: [],
    }),
  };
  return engine;
}

/** The stand-in over stacks in this process's memory, and those stacks. */
export function standInEngine(options: {
  tenantId: string;
  clientId: string;
}): { engine: EnvironmentEngine; stacks: Map<string, StackState> } {
  const stacks = memoryStacks();
  return {
    engine: createStandInEngine({ ...options, stacks }),
    stacks: stacks.states,
  };
}
