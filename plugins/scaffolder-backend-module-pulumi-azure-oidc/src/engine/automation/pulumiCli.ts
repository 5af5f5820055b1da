/**
 * Finds the Pulumi CLI the Automation API drives: a configured installation,
 * the one on PATH, or one installed on first use when allowed.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  PulumiCommand,
  PulumiCommandOptions,
} from '@pulumi/pulumi/automation';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { SemVer } from 'semver';
import { memoizeUntilFailure } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { automationApi } from './automationApi';

/** Where PulumiCommand comes from; tests pass a stand-in. */
export interface PulumiCommandSource {
  get(options?: PulumiCommandOptions): Promise<PulumiCommand>;
  install(options?: PulumiCommandOptions): Promise<PulumiCommand>;
}

export interface PulumiCliOptions {
  /** A configured installation: the directory holding `bin/pulumi`. */
  root?: string;
  autoInstall: boolean;
  /** The version to install; unset: the one matching the bundled SDK. */
  version?: string;
  /** Where an installed CLI goes, and is looked for on later starts. */
  installRoot: string;
  logger: LoggerService;
  /** The PATH to search; the backend's own by default. */
  searchPath?: string;
  commands?: PulumiCommandSource;
}

export class PulumiCliNotFoundError extends Error {
  name = 'PulumiCliNotFoundError';
}

export class PulumiCli {
  constructor(private readonly options: PulumiCliOptions) {}

  /** The CLI; located (or installed) once, and looked for again after a failure. */
  readonly get = memoizeUntilFailure(() => this.locate());

  private async locate(): Promise<PulumiCommand> {
    const { root, installRoot, autoInstall, logger } = this.options;
    const commands = this.options.commands ?? automationApi().PulumiCommand;

    if (root) {
      try {
        return await commands.get({ root });
      } catch (error) {
        throw new PulumiCliNotFoundError(
          `pulumiAzureOidc.cli.root is ${root}, but ${join(
            root,
            'bin',
            'pulumi',
          )} does not run: ${(error as Error).message}`,
        );
      }
    }
    if (await this.onPath()) {
      return commands.get();
    }
    if (await isExecutable(join(installRoot, 'bin', 'pulumi'))) {
      return commands.get({ root: installRoot });
    }
    if (autoInstall) {
      const version = this.options.version;
      logger.info(
        `Installing the Pulumi CLI ${
          version ?? 'matching the Pulumi SDK'
        } into ${installRoot}`,
      );
      return commands.install({
        root: installRoot,
        version: version ? new SemVer(version) : undefined,
      });
    }
    throw new PulumiCliNotFoundError(
      "The Pulumi CLI is not on the backend's PATH. Install it (https://www.pulumi.com/docs/iac/download-install/), " +
        'point pulumiAzureOidc.cli.root at an installation, or set pulumiAzureOidc.cli.autoInstall to true to install it on first use.',
    );
  }

  private async onPath(): Promise<boolean> {
    const searchPath = this.options.searchPath ?? process.env.PATH ?? '';
    for (const dir of searchPath.split(delimiter).filter(Boolean)) {
      if (await isExecutable(join(dir, 'pulumi'))) return true;
    }
    return false;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
