/**
 * One Pulumi stack per ESC environment, in a workspace of the data
 * directory; credentials reach the CLI in its environment only, never as
 * stack configuration, and what the CLI saves of them goes away with the
 * run's private Pulumi home. The Automation API is loaded on first use: a
 * backend that only previews never pays for it.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EscEnvironmentRef,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type {
  ConfigMap,
  Deployment,
  InlineProgramArgs,
  LocalWorkspaceOptions,
  RefreshOptions,
  UpOptions,
  UpResult,
  DestroyOptions,
} from '@pulumi/pulumi/automation';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoizeUntilFailure } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { SecretRedactor } from '../../secrets';
import { PULUMI_PROJECT, stackNameFor } from '../stackNames';
import { automationApi } from './automationApi';
import { PulumiCli } from './pulumiCli';
import { privatePulumiHome, removeSavedCredentials } from './pulumiHome';
import { localStatePassphrase } from './statePassphrase';

/** Where state lives and what the CLI is given: the engine's own settings. */
export interface WorkspaceSettings {
  dataDirectory: string;
  /** `https://…` (Pulumi Cloud) or a DIY backend URL. */
  backendUrl: string;
  /** Pulumi Cloud organization of the stacks; each environment's own when unset. */
  stackOrganization?: string;
  /** A secrets provider URL; unset: Pulumi Cloud's, or the passphrase on DIY backends. */
  secretsProvider?: string;
  /** The passphrase; generated and kept in the data directory for file state. */
  passphrase?: string;
  /** Credentials of the CLI and its providers (tokens, `ARM_*`, `AZURE_*`). */
  environment: Record<string, string>;
  /** The tenant, for the providers' configuration. */
  tenantId?: string;
}

/** The part of a Pulumi stack the engine uses. */
export interface EngineStack {
  exportStack(): Promise<Deployment>;
  setAllConfig(config: ConfigMap): Promise<void>;
  refresh(options?: RefreshOptions): Promise<unknown>;
  previewRefresh(options?: RefreshOptions): Promise<unknown>;
  up(options?: UpOptions): Promise<Pick<UpResult, 'outputs' | 'summary'>>;
  destroy(options?: DestroyOptions): Promise<unknown>;
  /** Removes the stack, and its history, from the state backend. */
  remove(): Promise<void>;
  /** Ends the stack's update in progress, releasing its lock (`pulumi cancel`). */
  cancel(): Promise<void>;
}

/** A stack selected for one run; `release` ends the run (it never throws). */
export interface SelectedStack {
  stack: EngineStack;
  release(): Promise<void>;
}

/** Where stacks come from; `LocalWorkspace` in production, a stand-in in tests. */
export type CreateOrSelectStack = (
  args: InlineProgramArgs,
  options: LocalWorkspaceOptions,
) => Promise<EngineStack>;

/** Each operation passes its program; selecting and reading need none. */
const NO_PROGRAM = async () => ({});

const createOrSelectWithLocalWorkspace: CreateOrSelectStack = async (
  args,
  options,
) => {
  const { LocalWorkspace } = automationApi();
  const stack = await LocalWorkspace.createOrSelectStack(args, options);
  return Object.assign(stack, {
    remove: () => stack.workspace.removeStack(stack.name),
  });
};

export class Workspaces {
  private readonly createOrSelectStack: CreateOrSelectStack;

  constructor(
    private readonly options: {
      settings: WorkspaceSettings;
      cli: PulumiCli;
      redactor: SecretRedactor;
      logger: LoggerService;
      createOrSelectStack?: CreateOrSelectStack;
    },
  ) {
    this.createOrSelectStack =
      options.createOrSelectStack ?? createOrSelectWithLocalWorkspace;
  }

  /** `org/project/stack` on Pulumi Cloud; the bare name on DIY backends. */
  stackName(environment: EscEnvironmentRef): string {
    const { settings } = this.options;
    const stack = stackNameFor(environment);
    if (!settings.backendUrl.startsWith('https://')) return stack;
    const organization = settings.stackOrganization ?? environment.organization;
    return `${organization}/${PULUMI_PROJECT}/${stack}`;
  }

  /**
   * The environment's stack, for one run with a Pulumi home of its own
   * (see ./pulumiHome); `release` removes that home when the run ends.
   */
  async select(environment: EscEnvironmentRef): Promise<SelectedStack> {
    const { settings, logger } = this.options;
    const workDir = join(
      settings.dataDirectory,
      'workspaces',
      stackNameFor(environment),
    );
    await mkdir(workDir, { recursive: true });
    if (settings.backendUrl.startsWith('file://')) {
      await mkdir(fileURLToPath(settings.backendUrl), { recursive: true });
    }
    const pulumiCommand = await this.options.cli.get();
    const envVars = await this.environment();
    const sharedHome = join(settings.dataDirectory, 'pulumi-home');
    if (await removeSavedCredentials(sharedHome)) {
      logger.info(
        `Removed the Pulumi Cloud token the CLI had saved in ${sharedHome}`,
      );
    }
    const home = await privatePulumiHome(join(sharedHome, 'plugins'));
    // Never throws: a failed removal must not hide how the run ended.
    const release = () =>
      home
        .remove()
        .catch(error =>
          logger.warn(
            `Could not remove ${home.path}, which may hold the Pulumi Cloud token; remove it: ${error}`,
          ),
        );
    try {
      const stack = await this.createOrSelectStack(
        {
          stackName: this.stackName(environment),
          projectName: PULUMI_PROJECT,
          program: NO_PROGRAM,
        },
        {
          workDir,
          pulumiHome: home.path,
          pulumiCommand,
          secretsProvider: this.secretsProvider(),
          envVars,
        },
      );
      return { stack, release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Non-secret provider settings, visible in the stack's config. */
  providerConfig(plan: ProvisionPlan): ConfigMap {
    const config: ConfigMap = {
      'azure-native:subscriptionId': { value: plan.subscriptionId },
    };
    const { tenantId } = this.options.settings;
    if (tenantId) {
      config['azure-native:tenantId'] = { value: tenantId };
      config['azuread:tenantId'] = { value: tenantId };
    }
    return config;
  }

  private secretsProvider(): string | undefined {
    const { settings } = this.options;
    if (settings.secretsProvider) return settings.secretsProvider;
    return settings.backendUrl.startsWith('https://')
      ? undefined
      : 'passphrase';
  }

  private async environment(): Promise<Record<string, string>> {
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: this.options.settings.backendUrl,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      ...this.options.settings.environment,
    };
    if (this.secretsProvider() === 'passphrase') {
      env.PULUMI_CONFIG_PASSPHRASE = await this.statePassphrase();
    }
    return env;
  }

  /**
   * The configured passphrase or, for local file state, one generated on
   * first use and kept in the data directory, readable by this user only.
   */
  private readonly statePassphrase = memoizeUntilFailure(async () => {
    const { settings, logger, redactor } = this.options;
    const passphrase =
      settings.passphrase ??
      (await localStatePassphrase(settings.dataDirectory, logger));
    redactor.add(passphrase);
    return passphrase;
  });
}
