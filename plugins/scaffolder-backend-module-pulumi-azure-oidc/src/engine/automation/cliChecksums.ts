/**
 * SHA-256 of the Pulumi CLI release archives `cli.autoInstall` may install:
 * its trust root. A checksum downloaded from the host that serves the
 * archive proves nothing against whoever controls that host or the way to
 * it; these are reviewed in this repository instead. The versions listed
 * here are the only ones the module installs.
 *
 * To add a version, take the `pulumi-v<version>-{linux,darwin}-{x64,arm64}.tar.gz`
 * lines of `pulumi-<version>-checksums.txt`, published with the release
 * (https://github.com/pulumi/pulumi/releases/download/v<version>/pulumi-<version>-checksums.txt),
 * check them against the archives themselves (`sha256sum`), and add them
 * to `cliChecksums.json` as `{ "<version>": { "linux-x64": "<sha256>", … } }`.
 * The default version is the one of the bundled
 * `@pulumi/pulumi`, so add that one when the SDK is upgraded.
 */

import checksums from './cliChecksums.json';

/** `<os>-<arch>` as Pulumi names its archives. */
export type CliPlatform =
  | 'linux-x64'
  | 'linux-arm64'
  | 'darwin-x64'
  | 'darwin-arm64';

/** Version (`3.276.0`) → platform → SHA-256 of the archive, in hex. */
export type CliChecksums = Readonly<
  Record<string, Readonly<Partial<Record<CliPlatform, string>>>>
>;

/**
 * The table, in `cliChecksums.json` so that the container image's build
 * verifies the archive it installs against the same values. Empty: no
 * published checksums could be checked from where this table was written.
 * Until a version is added, auto-install refuses and says so.
 */
export const PULUMI_CLI_CHECKSUMS: CliChecksums = checksums;
