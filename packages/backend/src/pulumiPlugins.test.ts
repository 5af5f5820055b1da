import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backendDir } from './__testUtils__/portalBackend';

// The script the container image runs at build time, plain Node.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { pluginVersions } = require('../deploy/pulumiPlugins');

const lockEntry = (pkg: string, range: string, version: string) =>
  [
    `"${pkg}@npm:${range}":`,
    `  version: ${version}`,
    `  resolution: "${pkg}@npm:${version}"`,
    '',
  ].join('\n');

describe('the Pulumi plugins the image installs', () => {
  it('are the versions of the provider packages the committed lockfile holds', () => {
    const lockfile = readFileSync(
      resolve(backendDir, '../../yarn.lock'),
      'utf8',
    );
    const installed = (pkg: string) =>
      JSON.parse(
        readFileSync(
          require.resolve(`${pkg}/package.json`, { paths: [backendDir] }),
          'utf8',
        ),
      ).pulumi;
    // What the SDKs ask the CLI for: their packages' `pulumi` section.
    expect(pluginVersions(lockfile)).toEqual([
      {
        name: installed('@pulumi/azuread').name,
        version: installed('@pulumi/azuread').version,
      },
      {
        name: installed('@pulumi/azure-native').name,
        version: installed('@pulumi/azure-native').version,
      },
    ]);
  });

  it('follow the lockfile, entries that share one resolution included', () => {
    const lockfile = [
      '__metadata:\n  version: 8\n',
      lockEntry(
        '@pulumi/azuread',
        '^6.0.0, @pulumi/azuread@npm:^6.9.0',
        '6.9.7',
      ),
      lockEntry('@pulumi/azure-native', '^3.28.0', '3.30.1'),
    ].join('\n');
    expect(pluginVersions(lockfile)).toEqual([
      { name: 'azuread', version: '6.9.7' },
      { name: 'azure-native', version: '3.30.1' },
    ]);
  });

  it('refuse a lockfile with two versions of a provider, or none', () => {
    const two = [
      lockEntry('@pulumi/azuread', '^6.0.0', '6.1.0'),
      lockEntry('@pulumi/azuread', '^6.9.0', '6.9.7'),
      lockEntry('@pulumi/azure-native', '^3.28.0', '3.30.1'),
    ].join('\n');
    expect(() => pluginVersions(two)).toThrow(
      'The lockfile must hold exactly one version of @pulumi/azuread, the one the program runs with; it holds 6.1.0, 6.9.7',
    );
    expect(() =>
      pluginVersions(lockEntry('@pulumi/azuread', '^6.0.0', '6.1.0')),
    ).toThrow(
      'The lockfile must hold exactly one version of @pulumi/azure-native, the one the program runs with; it holds none',
    );
  });
});

// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { checksumLine, TABLE } = require('../deploy/pulumiCliChecksum');

describe('the Pulumi CLI archive the image installs', () => {
  const sha256 = 'ab'.repeat(32);

  it('is checked against the table the module trusts', () => {
    expect(JSON.parse(readFileSync(TABLE, 'utf8'))).toEqual(
      // The same file the module imports.
      // eslint-disable-next-line @backstage/no-relative-monorepo-imports
      require('../../../plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json'),
    );
    expect(
      checksumLine(
        { '3.250.0': { 'linux-x64': sha256 } },
        '3.250.0',
        'linux-x64',
      ),
    ).toBe(`${sha256}  pulumi-v3.250.0-linux-x64.tar.gz`);
  });

  it('is refused without a committed checksum, saying where to add it', () => {
    expect(() =>
      checksumLine(
        { '3.250.0': { 'linux-x64': sha256 } },
        '3.251.0',
        'linux-x64',
      ),
    ).toThrow(
      "No committed SHA-256 for the Pulumi CLI 3.251.0 on linux-x64: add it to cliChecksums.json from the release's pulumi-3.251.0-checksums.txt, or build with one of 3.250.0",
    );
    expect(() =>
      checksumLine(
        { '3.250.0': { 'linux-x64': 'not-hex' } },
        '3.250.0',
        'linux-x64',
      ),
    ).toThrow('The SHA-256 of 3.250.0 on linux-x64 is malformed');
  });
});
