/**
 * Finds the Pulumi CLI the Automation API drives: a configured installation,
 * the one on PATH, or one installed, from a release whose checksum is
 * committed (./cliChecksums), on first use when allowed.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  PulumiCommand,
  PulumiCommandOptions,
} from '@pulumi/pulumi/automation';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { memoizeUntilFailure } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ConfigProblem } from '../../config/settings';
import { automationApi } from './automationApi';
import {
  CliChecksums,
  CliPlatform,
  PULUMI_CLI_CHECKSUMS,
} from './cliChecksums';
import { installCli, verifyInstalledCli } from './cliInstall';
import {
  cliRelease,
  currentPlatform,
  PULUMI_RELEASES_URL,
  unsupportedVersion,
} from './cliRelease';

/** Where PulumiCommand comes from; tests pass a stand-in. */
export interface PulumiCommandSource {
  get(options?: PulumiCommandOptions): Promise<PulumiCommand>;
}

export interface PulumiCliOptions {
  /** A configured installation: the directory holding `bin/pulumi`. */
  root?: string;
  autoInstall: boolean;
  /** The version to install; unset: the bundled SDK's, or the newest with checksums. */
  version?: string;
  /** Where an installed CLI goes, and is looked for on later starts. */
  installRoot: string;
  logger: LoggerService;
  /** The PATH to search; the backend's own by default. */
  searchPath?: string;
  commands?: PulumiCommandSource;
  /**
   * Where archives are downloaded from; tests pass a loopback server. Not a
   * setting: the committed checksums would hold for a mirror too, but one
   * known host is one thing less to review.
   */
  releasesUrl?: string;
  /** The trust root; tests pass their own. */
  checksums?: CliChecksums;
  /** The bundled `@pulumi/pulumi` version, the default version to install. */
  sdkVersion?: string;
  platform?: CliPlatform;
  /** For the whole download. Default: 10 minutes. */
  downloadTimeoutSeconds?: number;
}

export class PulumiCliNotFoundError extends Error {
  name = 'PulumiCliNotFoundError';
}

export class PulumiCli {
  constructor(private readonly options: PulumiCliOptions) {
    // A version that cannot be installed fails the start, as config errors do.
    const { autoInstall, version } = options;
    const problem =
      autoInstall && version && unsupportedVersion(version, this.checksums);
    if (problem) throw new ConfigProblem('cli.version', problem);
  }

  /** The CLI; located (or installed) once, and looked for again after a failure. */
  readonly get = memoizeUntilFailure(() => this.locate());

  private get checksums(): CliChecksums {
    return this.options.checksums ?? PULUMI_CLI_CHECKSUMS;
  }

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
    const installed = await isExecutable(join(installRoot, 'bin', 'pulumi'));
    if (!installed && !autoInstall) {
      throw new PulumiCliNotFoundError(
        "The Pulumi CLI is not on the backend's PATH. Install it (https://www.pulumi.com/docs/iac/download-install/), " +
          'point pulumiAzureOidc.cli.root at an installation, or set pulumiAzureOidc.cli.autoInstall to true to install it on first use.',
      );
    }
    const release = cliRelease({
      version: this.options.version,
      checksums: this.checksums,
      sdkVersion: this.options.sdkVersion ?? bundledSdkVersion(),
      platform: this.options.platform ?? currentPlatform(),
      releasesUrl: this.options.releasesUrl ?? PULUMI_RELEASES_URL,
    });
    const found = await verifyInstalledCli(installRoot, release);
    if (found.state === 'verified') {
      return commands.get({ root: installRoot });
    }
    // Another version installed earlier: replaced when allowed, never run.
    const older = found.state === 'other-version' ? found.version : undefined;
    if (!autoInstall) {
      throw new PulumiCliNotFoundError(
        `${installRoot} holds the Pulumi CLI ${older}, not ${release.version}. ` +
          'Set pulumiAzureOidc.cli.autoInstall to true to replace it, ' +
          'or install the CLI yourself, on PATH or at pulumiAzureOidc.cli.root.',
      );
    }
    const replacing = older ? `, replacing ${older}` : '';
    logger.info(
      `Installing the Pulumi CLI ${release.version} from ${release.url} into ${installRoot}${replacing}`,
    );
    await installCli(release, installRoot, {
      timeoutSeconds: this.options.downloadTimeoutSeconds ?? 600,
    });
    // Ours, or that of another backend that shares the data directory.
    if ((await verifyInstalledCli(installRoot, release)).state !== 'verified') {
      throw new PulumiCliNotFoundError(
        `Installing the Pulumi CLI ${release.version} into ${installRoot} did not leave it there; remove ${installRoot} and try again.`,
      );
    }
    return commands.get({ root: installRoot });
  }

  private async onPath(): Promise<boolean> {
    const searchPath = this.options.searchPath ?? process.env.PATH ?? '';
    for (const dir of searchPath.split(delimiter).filter(Boolean)) {
      if (await isExecutable(join(dir, 'pulumi'))) return true;
    }
    return false;
  }
}

/** Read when needed: nothing of @pulumi loads at start-up. */
function bundledSdkVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@pulumi/pulumi/version') as { version: string }).version;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
