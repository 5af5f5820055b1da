/**
 * Runs the program for real, through the Pulumi Automation API: one stack per
 * ESC environment, credentials passed to the engine in its environment only.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
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
  UpOptions,
  UpResult,
} from '@pulumi/pulumi/automation';
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AzureCredentials,
  PulumiAzureOidcSettings,
  usesPulumiCloudState,
} from '../config';
import { memoizeUntilFailure } from '../memoizeUntilFailure';
import { SecretRedactor } from '../secrets';
import { ChangeCounts, countChanges } from './progress';
import { EscAzureOidcOutputs, escAzureOidcProgram } from './program';
import { PulumiCli } from './pulumiCli';
import { PULUMI_PROJECT, stackNameFor } from './stackNames';
import { readStackState, StackState } from './stackState';

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
}

/** Runs `pulumi up` for a plan. The action only sees this. */
export interface ProvisioningEngine {
  /** The plan's stack, as the state backend names it. */
  stackName(plan: ProvisionPlan): string;
  provision(
    plan: ProvisionPlan,
    options: ProvisionOptions,
  ): Promise<ProvisionOutcome>;
}

/** The part of a Pulumi stack the engine uses. */
export interface EngineStack {
  exportStack(): Promise<Deployment>;
  setAllConfig(config: ConfigMap): Promise<void>;
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
  createOrSelectStack?: CreateOrSelectStack;
}

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
    const stackName = this.stackName(plan);
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
      const stack = await this.workspaceStep(plan, stackName, options, () =>
        this.selectStack(plan, stackName, pulumiCommand),
      );
      const state = await this.workspaceStep(plan, stackName, options, () =>
        stack.exportStack(),
      );
      options.authorize(readStackState(state));
      await this.workspaceStep(plan, stackName, options, () =>
        stack.setAllConfig(this.providerConfig(plan)),
      );
      cancelled();
      const result = await this.workspaceStep(plan, stackName, options, () =>
        this.update(stack, options),
      );
      return {
        stackName,
        outputs: plainOutputs(result.outputs) as unknown as EscAzureOidcOutputs,
        changes: countChanges(result.summary.resourceChanges),
      };
    } finally {
      this.running.delete(stackName);
    }
  }

  /**
   * `pulumi up`, reading Azure first so that what someone deleted there
   * comes back. The Automation API listens for aborts only once the CLI
   * runs and misses one that came earlier, so an abort reaches it when the
   * CLI's first event shows it listens.
   */
  private async update(stack: EngineStack, options: ProvisionOptions) {
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
        signal: engineAbort.signal,
        onEvent: event => {
          if (!started) {
            started = true;
            if (options.signal?.aborted) engineAbort.abort();
          }
          options.onEvent(event);
        },
      });
    } finally {
      options.signal?.removeEventListener('abort', forward);
    }
  }

  private async selectStack(
    plan: ProvisionPlan,
    stackName: string,
    pulumiCommand: PulumiCommand,
  ): Promise<EngineStack> {
    const { settings } = this.options;
    const workDir = join(
      settings.dataDirectory,
      'workspaces',
      stackNameFor(plan.environment),
    );
    await mkdir(workDir, { recursive: true });
    if (settings.state.backendUrl.startsWith('file://')) {
      await mkdir(fileURLToPath(settings.state.backendUrl), {
        recursive: true,
      });
    }
    return this.createOrSelectStack(
      {
        stackName,
        projectName: PULUMI_PROJECT,
        program: escAzureOidcProgram(plan),
      },
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
    plan: ProvisionPlan,
    stackName: string,
    options: ProvisionOptions,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (options.signal?.aborted) {
        throw new ProvisioningCancelledError(plan.environmentRef);
      }
      if (error instanceof ConcurrentUpdateError) {
        throw new StackLockedError(plan.environmentRef, stackName);
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
  stackName(plan: ProvisionPlan): string {
    const { settings } = this.options;
    const stack = stackNameFor(plan.environment);
    if (!usesPulumiCloudState(settings)) {
      return stack;
    }
    const organization =
      settings.state.organization ?? plan.environment.organization;
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

/** The `ARM_*` variables both Azure providers read. */
export function azureCredentialEnvironment(
  credentials: AzureCredentials,
  tenantId: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = tenantId
    ? { ARM_TENANT_ID: tenantId }
    : {};
  switch (credentials.type) {
    case 'clientSecret':
      return {
        ...env,
        ARM_CLIENT_ID: credentials.clientId,
        ARM_CLIENT_SECRET: credentials.clientSecret,
      };
    case 'workloadIdentity':
      return {
        ...env,
        ARM_USE_OIDC: 'true',
        ARM_CLIENT_ID: credentials.clientId,
        ARM_OIDC_TOKEN_FILE_PATH: credentials.tokenFilePath,
      };
    case 'managedIdentity':
      return {
        ...env,
        ARM_USE_MSI: 'true',
        ...(credentials.clientId
          ? { ARM_CLIENT_ID: credentials.clientId }
          : {}),
      };
    default:
      // The ambient `az login` of the backend's user.
      return { ...env, ARM_USE_CLI: 'true' };
  }
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [key, output.value]),
  );
}

/**
 * The passphrase of local file state: generated on first use and kept in the
 * data directory, readable by this user only. It appears under its name in
 * one step (written aside, then linked), so a concurrent reader never sees it
 * half written.
 */
async function localStatePassphrase(
  dataDirectory: string,
  logger: LoggerService,
): Promise<string> {
  const file = join(dataDirectory, 'state-passphrase');
  const read = async () => {
    const passphrase = (await readFile(file, 'utf8')).trim();
    if (!passphrase)
      throw new Error(`The state passphrase file ${file} is empty`);
    return passphrase;
  };
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDirectory, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  const draft = `${file}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, generated, { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    // Another backend created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw error;
  } finally {
    await unlink(draft);
  }
  logger.info(`Generated a passphrase for the local Pulumi state in ${file}`);
  return generated;
}
