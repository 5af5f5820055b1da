/**
 * A run that died half-way (the backend killed, not cancelled) leaves
 * pending operations in the stack, and objects in Entra or Azure that the
 * stack does not know. The next run takes those objects into the stack
 * instead of failing on them or making second copies: pending creates are
 * cleared (`refresh --clear-pending-creates`, in the Automation API since
 * @pulumi/pulumi 3.151; it has no `--import-pending-creates`), what they may
 * have made is looked up (adoptions.ts) and declared with Pulumi's `import`
 * resource option, which adopts it in the update; a second update then
 * makes the adopted objects the plan's.
 */
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EngineFailedError, RunOptions } from '../engine';
import { Adoptions, StackState } from '../stackModel';
import {
  adoptionsFromFailures,
  findAdoptions,
  RecoveryServices,
} from './adoptions';
import type { OperationLog, Step } from './operationLog';
import type { EngineStack } from './workspace';

export type { RecoveryServices };

export class Recovery {
  private adoptions: Adoptions = {};

  constructor(
    private readonly plan: ProvisionPlan,
    private readonly services: RecoveryServices | undefined,
    private readonly options: RunOptions,
  ) {}

  /** Clears what a run that died left pending, and looks up what it made. */
  async prepare(state: StackState, stack: EngineStack, step: Step) {
    if (state.pendingCreates.length > 0 || state.pendingOperations > 0) {
      this.notice(
        `A run of ${this.plan.environmentRef} stopped half-way: clearing the operations it left pending in the stack before looking for what it made`,
      );
      await step(() =>
        stack.refresh({
          color: 'never',
          clearPendingCreates: true,
          signal: this.options.signal,
        }),
      );
    }
    if (this.services) {
      this.adopt(
        await findAdoptions(
          this.plan,
          state,
          this.services,
          this.options.signal,
        ),
      );
    }
  }

  /**
   * Runs the update; adopts what the providers refused to create because it
   * exists, and tries once more; then updates adopted objects to the plan.
   */
  async update<R>(
    attempt: (adopt: Adoptions, log: OperationLog) => Promise<R>,
    newLog: () => OperationLog,
  ): Promise<R> {
    const log = newLog();
    let result: R;
    try {
      result = await attempt(this.adoptions, log);
    } catch (error) {
      const more =
        this.services && error instanceof EngineFailedError
          ? await adoptionsFromFailures(
              this.plan,
              log.failures,
              this.services,
              this.options.signal,
            )
          : {};
      if (Object.keys(more).length === 0) throw error;
      this.adopt(more);
      result = await attempt(this.adoptions, newLog());
    }
    if (Object.keys(this.adoptions).length === 0) return result;
    // Imported objects keep what they held; this update makes them the
    // plan's, but for the names of adopted role assignments.
    const names = Object.fromEntries(
      Object.entries(this.adoptions).map(([name, { roleAssignmentName }]) => [
        name,
        { roleAssignmentName },
      ]),
    );
    return attempt(names, newLog());
  }

  private adopt(adoptions: Adoptions) {
    const found = Object.keys(adoptions).filter(name => adoptions[name].id);
    if (found.length > 0) {
      this.notice(
        `Taking into the stack what exists already and the stack did not know: ${found.join(
          ', ',
        )}`,
      );
    }
    this.adoptions = { ...this.adoptions, ...adoptions };
  }

  private notice(message: string) {
    this.options.onEvent?.({ type: 'notice', message });
  }
}
