/**
 * What the golden path asks of an engine, in its own words: preview a plan
 * (a dry run, nothing touched), apply it, destroy or refresh an
 * environment's stack, and read what the stack records. The Automation API
 * adapter implements it; tests and other deployments may bring their own.
 */
import { ConflictError, CustomErrorBase } from '@backstage/errors';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { EscAzureOidcOutputs, StackState } from './stackModel';

export type { EscAzureOidcOutputs, StackState };

/** A resource step, as the engine reports it. */
export type ResourceStep =
  | 'create'
  | 'update'
  | 'replace'
  | 'delete'
  | 'same'
  | 'read'
  | 'import'
  | 'refresh';

export type ChangeCounts = {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
  same: number;
};

/** What an engine says while it works. */
export type EngineEvent =
  | {
      type: 'step';
      step: ResourceStep;
      /** Whether the step is done (false: it begins). */
      done: boolean;
      resource: ResourceDescription;
    }
  | { type: 'failed'; step: ResourceStep; resource: ResourceDescription }
  | {
      type: 'diagnostic';
      severity: 'error' | 'warning' | 'info';
      message: string;
      /** The logical name of the resource it concerns, if any. */
      resourceName?: string;
    }
  | { type: 'notice'; message: string }
  | { type: 'summary'; changes: ChangeCounts; durationSeconds: number };

/** A resource in an event: its type, logical name and inputs, when known. */
export interface ResourceDescription {
  type: string;
  name: string;
  inputs?: Record<string, unknown>;
  /** The properties a step changes, when the engine says. */
  changed?: string[];
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?(event: EngineEvent): void;
}

export interface ApplyOptions extends RunOptions {
  /**
   * Called with what the stack records, before anything changes; throws to
   * refuse the change. Engines must call it.
   */
  authorize(state: StackState): void;
  /**
   * Set when the environment's previous change stopped without finishing,
   * its replica gone (its lease expired unreleased), to whom that change
   * was held for. An update lock it left on the stack is then that run's,
   * and the engine releases it instead of failing on it.
   */
  afterStoppedRun?: string;
}

/** A JSON value, so that a task checkpoint can keep it. */
export type ApplyResult = {
  /** The stack's name as the state backend knows it. */
  stackName: string;
  outputs: EscAzureOidcOutputs;
  changes: ChangeCounts;
};

/** A dry run: what a first run would register, with placeholder ids. */
export interface PreviewResult {
  resources: Array<{ type: string; name: string }>;
  outputs: EscAzureOidcOutputs;
}

export interface DestroyResult {
  stackName: string;
  /** The stack held nothing (any more). */
  alreadyGone: boolean;
  changes: ChangeCounts;
}

/** What a destroy of a stack that held `resources` did. */
export function destroyed(stackName: string, resources: number): DestroyResult {
  return {
    stackName,
    alreadyGone: resources === 0,
    changes: {
      created: 0,
      updated: 0,
      replaced: 0,
      deleted: resources,
      same: 0,
    },
  };
}

/** A resource that Azure or Entra holds otherwise than the stack records. */
export interface Drift {
  resource: ResourceDescription;
  /** `changed`: it holds other values; `gone`: it no longer exists. */
  change: 'changed' | 'gone';
}

/** What Azure and Entra hold that differs from the stack, found without changing anything. */
export interface RefreshResult {
  stackName: string;
  drift: Drift[];
}

export interface EnvironmentEngine {
  /** The environment's stack, as the state backend names it. */
  stackName(environment: EscEnvironmentRef): string;
  /** The program under mocks: no CLI, no cloud, placeholder ids. */
  preview(plan: ProvisionPlan, options?: RunOptions): Promise<PreviewResult>;
  apply(plan: ProvisionPlan, options: ApplyOptions): Promise<ApplyResult>;
  /**
   * Removes what the stack holds, federated credentials first so that the
   * trust ends at once, then the stack itself.
   */
  destroy(
    environment: EscEnvironmentRef,
    options: ApplyOptions,
  ): Promise<DestroyResult>;
  /** Compares the stack with Azure and Entra, writing nothing. */
  refresh(
    environment: EscEnvironmentRef,
    options?: RunOptions,
  ): Promise<RefreshResult>;
  /** What the environment's stack records; an empty state when it has none. */
  outputs(
    environment: EscEnvironmentRef,
    options?: RunOptions,
  ): Promise<StackState>;
  /** Releases what the engine holds (threads, processes) when the backend stops. */
  close?(): Promise<void>;
}

/*
 * The engine's errors carry no cause: Backstage errors append a cause's text
 * to their message, and the CLI's may hold what must not be shown. What the
 * engine said, masked, is in `details`.
 */

/** Another run changes this environment. */
export class StackLockedError extends ConflictError {
  constructor(environment: EscEnvironmentRef, stackName: string) {
    super(
      `The ESC environment ${formatEnvironmentRef(
        environment,
      )} is being changed by another run (Pulumi stack ${stackName} is locked). ` +
        'Run the template again once it has finished. If no run is active, the lock is stale: release it with `pulumi cancel`.',
    );
  }
}

export class EngineCancelledError extends CustomErrorBase {
  name = 'EngineCancelledError' as const;
  constructor(environment: EscEnvironmentRef) {
    super(
      `The change to ${formatEnvironmentRef(
        environment,
      )} was cancelled. Resources changed so far are kept in its stack; running the template again completes them.`,
    );
  }
}

/** The engine failed; `details` holds what it said, secrets masked. */
export class EngineFailedError extends CustomErrorBase {
  name = 'EngineFailedError' as const;
  constructor(message: string, readonly details: string[]) {
    super(message);
  }

  /** The same failure, told as `<what> failed:` and what the engine said. */
  explained(what: string): EngineFailedError {
    return new EngineFailedError(
      `${what} failed:\n${this.details
        .map(reason => `- ${reason}`)
        .join('\n')}`,
      this.details,
    );
  }
}
