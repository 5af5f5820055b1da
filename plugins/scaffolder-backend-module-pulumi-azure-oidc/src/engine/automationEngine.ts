/**
 * Runs the program for real, through the Pulumi Automation API: one stack per
 * ESC environment, credentials passed to the engine in its environment only.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  CommandError,
  ConcurrentUpdateError,
  ConfigMap,
  Deployment,
  EngineEvent,
  InlineProgramArgs,
  LocalWorkspace,
  LocalWorkspaceOptions,
  OutputMap,
  PulumiCommand,
  RefreshOptions,
  UpOptions,
  UpResult,
} from '@pulumi/pulumi/automation';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PulumiAzureOidcSettings, usesPulumiCloudState } from '../config';
import { memoizeUntilFailure } from '../memoizeUntilFailure';
import { SecretRedactor } from '../secrets';
import {
  azureCredentialEnvironment,
  stateBackendEnvironment,
} from './credentialEnvironment';
import { ChangeCounts, countChanges } from './progress';
import { Adoptions, EscAzureOidcOutputs, escAzureOidcProgram } from './program';
import { PulumiCli } from './pulumiCli';
import {
  adoptionsFromFailures,
  EngineFailure,
  findAdoptions,
  RecoveryServices,
} from './recovery';
import { PULUMI_PROJECT, stackNameFor } from './stackNames';
import { readStackState, StackState } from './stackState';
import { localStatePassphrase } from './statePassphrase';

/** A JSON value, so that a task checkpoint can keep it. */
export type ProvisionOutcome = {
  /** The stack's name as the state backend knows it. */
  stackName: string;
  outputs: EscAzureOidcOutputs;
  changes: ChangeCounts;
};

export interface ProvisionOptions {
  onEvent(event: EngineEvent): void;
  signal?: AbortSignal;
  /**
   * Called with what the stack's state says about its environment, before
   * anything changes; throws to refuse the update.
   */
  authorize(state: StackState): void;
  /** What the engine does beyond the plan, such as recovering a run that died. */
  onNotice?(message: string): void;
}

/** Runs `pulumi up` for a plan. The action only sees this. */
export interface ProvisioningEngine {
  /** The environment's stack, as the state backend names it. */
  stackName(environment: EscEnvironmentRef): string;
  /** What the environment's stack records; nothing when it has no stack. */
  recorded(
    environment: EscEnvironmentRef,
    options: { signal?: AbortSignal },
  ): Promise<StackState>;
  provision(
    plan: ProvisionPlan,
    options: ProvisionOptions,
  ): Promise<ProvisionOutcome>;
}

/** The part of a Pulumi stack the engine uses. */
export interface EngineStack {
  exportStack(): Promise<Deployment>;
  setAllConfig(config: ConfigMap): Promise<void>;
  refresh(options?: RefreshOptions): Promise<unknown>;
  up(options?: UpOptions): Promise<Pick<UpResult, 'outputs' | 'summary'>>;
}

/** Where stacks come from; `LocalWorkspace` in production, a stand-in in tests. */
export type CreateOrSelectStack = (
  args: InlineProgramArgs,
  options: LocalWorkspaceOptions,
) => Promise<EngineStack>;

/** Another run already provisions this environment. */
export class StackLockedError extends Error {
  name = 'StackLockedError';
  constructor(environmentRef: string, stackName: string) {
    super(
      `The ESC environment ${environmentRef} is being provisioned by another run (Pulumi stack ${stackName} is locked). ` +
        'Run the template again once it has finished. If no run is active, the lock is stale: release it with `pulumi cancel`.',
    );
  }
}

export class ProvisioningCancelledError extends Error {
  name = 'ProvisioningCancelledError';
  constructor(environmentRef: string) {
    super(
      `Provisioning of ${environmentRef} was cancelled. Resources created so far are kept in its stack; running the template again completes them.`,
    );
  }
}

export class ProvisioningFailedError extends Error {
  name = 'ProvisioningFailedError';
  constructor(message: string, readonly stderr: string) {
    super(message);
  }
}

export interface AutomationEngineOptions {
  settings: PulumiAzureOidcSettings;
  cli: PulumiCli;
  redactor: SecretRedactor;
  logger: LoggerService;
  /** Graph and ARM as the deployer, to adopt what a run that died left behind. */
  recovery?: RecoveryServices;
  createOrSelectStack?: CreateOrSelectStack;
}

/** A program for stacks that are selected only to be read. */
const NO_PROGRAM = async () => ({});

export class AutomationApiEngine implements ProvisioningEngine {
  private readonly running = new Set<string>();
  private readonly createOrSelectStack: CreateOrSelectStack;

  constructor(private readonly options: AutomationEngineOptions) {
    this.createOrSelectStack =
      options.createOrSelectStack ??
      ((args, workspaceOptions) =>
        LocalWorkspace.createOrSelectStack(args, workspaceOptions));
  }

  async provision(
    plan: ProvisionPlan,
    options: ProvisionOptions,
  ): Promise<ProvisionOutcome> {
    const stackName = this.stackName(plan.environment);
    // Two runs in this backend would only meet at the state lock; fail as early.
    if (this.running.has(stackName)) {
      throw new StackLockedError(plan.environmentRef, stackName);
    }
    this.running.add(stackName);
    const cancelled = () => {
      if (options.signal?.aborted) {
        throw new ProvisioningCancelledError(plan.environmentRef);
      }
    };
    try {
      cancelled();
      const pulumiCommand = await this.options.cli.get();
      const step = <T>(fn: () => Promise<T>) =>
        this.workspaceStep(plan.environment, stackName, options.signal, fn);
      const stack = await step(() =>
        this.selectStack(plan.environment, stackName, pulumiCommand),
      );
      const state = readStackState(await step(() => stack.exportStack()));
      options.authorize(state);
      if (state.pendingCreates.length > 0 || state.pendingOperations > 0) {
        options.onNotice?.(
          `A run of ${plan.environmentRef} stopped half-way: clearing the operations it left pending in the stack before looking for what it made`,
        );
        await step(() =>
          stack.refresh({
            color: 'never',
            clearPendingCreates: true,
            signal: options.signal,
          }),
        );
      }
      await step(() => stack.setAllConfig(this.providerConfig(plan)));
      cancelled();
      const { recovery } = this.options;
      let adopt = recovery
        ? await findAdoptions(plan, state, recovery, options.signal)
        : {};
      this.noticeAdoptions(adopt, options);

      const failures: EngineFailure[] = [];
      let result;
      try {
        result = await step(() =>
          this.update(stack, plan, adopt, options, failures),
        );
      } catch (error) {
        const more =
          recovery && error instanceof ProvisioningFailedError
            ? await adoptionsFromFailures(
                plan,
                failures,
                recovery,
                options.signal,
              )
            : {};
        if (Object.keys(more).length === 0) throw error;
        this.noticeAdoptions(more, options);
        adopt = { ...adopt, ...more };
        result = await step(() => this.update(stack, plan, adopt, options, []));
      }
      if (Object.keys(adopt).length > 0) {
        // Imported objects keep what they held; this update makes them the
        // plan's, but for the names of adopted role assignments.
        const names = Object.fromEntries(
          Object.entries(adopt).map(([name, { roleAssignmentName }]) => [
            name,
            { roleAssignmentName },
          ]),
        );
        result = await step(() => this.update(stack, plan, names, options, []));
      }
      return {
        stackName,
        outputs: plainOutputs(result.outputs) as unknown as EscAzureOidcOutputs,
        changes: countChanges(result.summary.resourceChanges),
      };
    } finally {
      this.running.delete(stackName);
    }
  }

  async recorded(
    environment: EscEnvironmentRef,
    options: { signal?: AbortSignal },
  ): Promise<StackState> {
    const stackName = this.stackName(environment);
    const step = <T>(fn: () => Promise<T>) =>
      this.workspaceStep(environment, stackName, options.signal, fn);
    const pulumiCommand = await this.options.cli.get();
    const stack = await step(() =>
      this.selectStack(environment, stackName, pulumiCommand),
    );
    return readStackState(await step(() => stack.exportStack()));
  }

  private noticeAdoptions(adopt: Adoptions, options: ProvisionOptions) {
    const names = Object.keys(adopt).filter(name => adopt[name].id);
    if (names.length > 0) {
      options.onNotice?.(
        `Taking into the stack what exists already and the stack did not know: ${names.join(
          ', ',
        )}`,
      );
    }
  }

  /**
   * `pulumi up`, reading Azure first so that what someone deleted there
   * comes back. The Automation API listens for aborts only once the CLI
   * runs and misses one that came earlier, so an abort reaches it when the
   * CLI's first event shows it listens. Error diagnostics are kept, with
   * the resource they concern, for recovery.
   */
  private async update(
    stack: EngineStack,
    plan: ProvisionPlan,
    adopt: Adoptions,
    options: ProvisionOptions,
    failures: EngineFailure[],
  ) {
    const engineAbort = new AbortController();
    let started = false;
    const forward = () => {
      if (started) engineAbort.abort();
    };
    options.signal?.addEventListener('abort', forward);
    try {
      return await stack.up({
        color: 'never',
        refresh: true,
        program: escAzureOidcProgram(plan, adopt),
        signal: engineAbort.signal,
        onEvent: event => {
          if (!started) {
            started = true;
            if (options.signal?.aborted) engineAbort.abort();
          }
          const diagnostic = event.diagnosticEvent;
          if (diagnostic?.severity === 'error') {
            failures.push({ urn: diagnostic.urn, message: diagnostic.message });
          }
          options.onEvent(event);
        },
      });
    } finally {
      options.signal?.removeEventListener('abort', forward);
    }
  }

  private async selectStack(
    environment: EscEnvironmentRef,
    stackName: string,
    pulumiCommand: PulumiCommand,
  ): Promise<EngineStack> {
    const { settings } = this.options;
    const workDir = join(
      settings.dataDirectory,
      'workspaces',
      stackNameFor(environment),
    );
    await mkdir(workDir, { recursive: true });
    if (settings.state.backendUrl.startsWith('file://')) {
      await mkdir(fileURLToPath(settings.state.backendUrl), {
        recursive: true,
      });
    }
    return this.createOrSelectStack(
      // Each update passes its program; reading the state needs none.
      { stackName, projectName: PULUMI_PROJECT, program: NO_PROGRAM },
      {
        workDir,
        pulumiHome: join(settings.dataDirectory, 'pulumi-home'),
        pulumiCommand,
        secretsProvider: this.secretsProvider(),
        envVars: await this.engineEnvironment(),
      },
    );
  }

  /**
   * Runs a step that drives the CLI and says what went wrong in the terms
   * of the environment: cancelled, locked, or failed with what the CLI said.
   */
  private async workspaceStep<T>(
    environment: EscEnvironmentRef,
    stackName: string,
    signal: AbortSignal | undefined,
    step: () => Promise<T>,
  ): Promise<T> {
    const environmentRef = formatEnvironmentRef(environment);
    try {
      return await step();
    } catch (error) {
      if (signal?.aborted) {
        throw new ProvisioningCancelledError(environmentRef);
      }
      if (error instanceof ConcurrentUpdateError) {
        throw new StackLockedError(environmentRef, stackName);
      }
      if (error instanceof CommandError) {
        const { stderr } = (
          error as unknown as { commandResult: { stderr: string } }
        ).commandResult;
        throw new ProvisioningFailedError(
          `The Pulumi CLI failed for stack ${stackName}`,
          this.options.redactor.redact(stderr),
        );
      }
      throw error;
    }
  }

  /** `org/project/stack` on Pulumi Cloud; the bare name on DIY backends. */
  stackName(environment: EscEnvironmentRef): string {
    const { settings } = this.options;
    const stack = stackNameFor(environment);
    if (!usesPulumiCloudState(settings)) {
      return stack;
    }
    const organization =
      settings.state.organization ?? environment.organization;
    return `${organization}/${PULUMI_PROJECT}/${stack}`;
  }

  private secretsProvider(): string | undefined {
    const { state } = this.options.settings;
    if (state.secretsProvider) return state.secretsProvider;
    return usesPulumiCloudState(this.options.settings)
      ? undefined
      : 'passphrase';
  }

  /**
   * Everything secret reaches the engine here, as environment variables of
   * the CLI and the provider plugins it starts; never as stack config.
   */
  private async engineEnvironment(): Promise<Record<string, string>> {
    const { settings } = this.options;
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: settings.state.backendUrl,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      ...azureCredentialEnvironment(
        settings.azure.credentials,
        settings.azure.tenantId,
      ),
      ...stateBackendEnvironment(settings),
    };
    if (settings.pulumiCloud.accessToken) {
      env.PULUMI_ACCESS_TOKEN = settings.pulumiCloud.accessToken;
    }
    if (this.secretsProvider() === 'passphrase') {
      env.PULUMI_CONFIG_PASSPHRASE = await this.statePassphrase();
    }
    return env;
  }

  /**
   * The configured passphrase or, for local file state, one generated on
   * first use and kept in the data directory, readable by this user only.
   */
  private readonly statePassphrase = memoizeUntilFailure(() =>
    this.loadStatePassphrase(),
  );

  private async loadStatePassphrase(): Promise<string> {
    const { state, dataDirectory } = this.options.settings;
    const passphrase =
      state.passphrase ??
      (await localStatePassphrase(dataDirectory, this.options.logger));
    this.options.redactor.add(passphrase);
    return passphrase;
  }

  /** Non-secret provider settings, visible in the stack's config. */
  private providerConfig(plan: ProvisionPlan): ConfigMap {
    const config: ConfigMap = {
      'azure-native:subscriptionId': { value: plan.subscriptionId },
    };
    const tenantId = this.options.settings.azure.tenantId;
    if (tenantId) {
      config['azure-native:tenantId'] = { value: tenantId };
      config['azuread:tenantId'] = { value: tenantId };
    }
    return config;
  }
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [key, output.value]),
  );
}
