/**
 * Which Pulumi CLI release auto-install fetches: a version with committed
 * checksums (./cliChecksums), the archive for this host, and where it is.
 */
import { rcompare } from 'semver';
import { CliChecksums, CliPlatform } from './cliChecksums';

/** Where Pulumi publishes CLI archives (`pulumi-v<version>-<os>-<arch>.tar.gz`). */
export const PULUMI_RELEASES_URL = 'https://get.pulumi.com/releases/sdk';

/** Where checksums are added, for messages. */
export const CHECKSUMS_FILE =
  'plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json';

export interface CliRelease {
  version: string;
  platform: CliPlatform;
  /** `pulumi-v3.276.0-linux-x64.tar.gz`. */
  archive: string;
  url: string;
  /** The committed SHA-256 of the archive. */
  sha256: string;
}

/** A release that cannot be installed; the message says what to do. */
export class CliReleaseError extends Error {
  name = 'CliReleaseError';
}

/** This host as Pulumi names its archives; undefined where none is published as tar.gz. */
export function currentPlatform(
  os: string = process.platform,
  arch: string = process.arch,
): CliPlatform | undefined {
  if (os !== 'linux' && os !== 'darwin') return undefined;
  if (arch !== 'x64' && arch !== 'arm64') return undefined;
  return `${os}-${arch}`;
}

/** The versions that can be installed, newest first. */
export function supportedVersions(checksums: CliChecksums): string[] {
  return Object.keys(checksums).sort(rcompare);
}

/** The bundled SDK's version when it has checksums, else the newest that has. */
export function defaultVersion(
  checksums: CliChecksums,
  sdkVersion: string,
): string | undefined {
  if (checksums[sdkVersion]) return sdkVersion;
  return supportedVersions(checksums)[0];
}

/**
 * Why `version` (from `cli.version`) cannot be installed, or undefined when
 * it can; checked at start-up so that a typo does not wait for the first run.
 */
export function unsupportedVersion(
  version: string,
  checksums: CliChecksums,
): string | undefined {
  if (checksums[version]) return undefined;
  const versions = supportedVersions(checksums);
  return `must be a version whose release checksums are committed in ${CHECKSUMS_FILE} (${
    versions.length > 0 ? versions.join(', ') : 'none yet'
  }), got '${version}'. Choose one of them, or add the checksums of ${version} to that file`;
}

export function cliRelease(options: {
  /** `cli.version`; unset: `defaultVersion`. */
  version?: string;
  checksums: CliChecksums;
  sdkVersion: string;
  platform: CliPlatform | undefined;
  releasesUrl: string;
}): CliRelease {
  const { checksums, platform } = options;
  const version =
    options.version ?? defaultVersion(checksums, options.sdkVersion);
  if (!version) {
    throw new CliReleaseError(
      `No Pulumi CLI can be installed or verified: ${CHECKSUMS_FILE} holds no release checksums yet. ` +
        `Add those of ${options.sdkVersion} (the bundled Pulumi SDK's version) from pulumi-${options.sdkVersion}-checksums.txt of the Pulumi release, ` +
        'or install the Pulumi CLI yourself, on PATH or at pulumiAzureOidc.cli.root.',
    );
  }
  const problem = unsupportedVersion(version, checksums);
  if (problem) {
    throw new CliReleaseError(`pulumiAzureOidc.cli.version ${problem}`);
  }
  if (!platform) {
    throw new CliReleaseError(
      `The Pulumi CLI can be installed on Linux and macOS, on x64 and arm64, not on ${process.platform}-${process.arch}. ` +
        'Install it yourself, on PATH or at pulumiAzureOidc.cli.root.',
    );
  }
  const sha256 = checksums[version][platform];
  const archive = `pulumi-v${version}-${platform}.tar.gz`;
  if (!sha256) {
    throw new CliReleaseError(
      `${CHECKSUMS_FILE} has no checksum of ${archive}. Add it from pulumi-${version}-checksums.txt of the Pulumi release, ` +
        'or install the Pulumi CLI yourself, on PATH or at pulumiAzureOidc.cli.root.',
    );
  }
  return {
    version,
    platform,
    archive,
    url: `${options.releasesUrl.replace(/\/+$/, '')}/${archive}`,
    sha256: sha256.toLowerCase(),
  };
}
