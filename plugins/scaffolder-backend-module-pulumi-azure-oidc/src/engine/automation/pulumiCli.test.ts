import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  pulumiReleaseArchive,
  PulumiReleaseArchive,
  pulumiReleaseServer,
  PulumiReleaseServer,
  refusedPort,
} from '@esc-azure-oidc/test-utils';
import { PulumiCommand } from '@pulumi/pulumi/automation';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { currentPlatform } from './cliRelease';
import { PulumiCli, PulumiCommandSource } from './pulumiCli';

const PLATFORM = currentPlatform()!;
const archiveName = (version: string) =>
  `pulumi-v${version}-${PLATFORM}.tar.gz`;

describe('PulumiCli', () => {
  const dir = createMockDirectory();
  const command = { command: 'pulumi' } as unknown as PulumiCommand;
  let commands: jest.Mocked<PulumiCommandSource>;

  beforeEach(() => {
    dir.clear();
    commands = { get: jest.fn().mockResolvedValue(command) };
  });

  const executable = (path: string, content = '#!/bin/sh\n') => {
    dir.addContent({ [path]: content });
    chmodSync(dir.resolve(path), 0o755);
  };
  const cli = (
    options: Partial<ConstructorParameters<typeof PulumiCli>[0]> = {},
  ) =>
    new PulumiCli({
      autoInstall: false,
      installRoot: dir.resolve('install'),
      logger: mockServices.logger.mock(),
      searchPath: dir.resolve('empty-path'),
      commands,
      checksums: {},
      ...options,
    });

  it('uses a configured installation', async () => {
    await expect(cli({ root: '/opt/pulumi' }).get()).resolves.toBe(command);
    expect(commands.get).toHaveBeenCalledWith({ root: '/opt/pulumi' });
  });

  it('says which configured installation does not run', async () => {
    commands.get.mockRejectedValue(new Error('ENOENT'));
    await expect(cli({ root: '/opt/pulumi' }).get()).rejects.toThrow(
      'pulumiAzureOidc.cli.root is /opt/pulumi, but /opt/pulumi/bin/pulumi does not run: ENOENT',
    );
  });

  it('uses pulumi from PATH', async () => {
    executable('bin/pulumi');
    await expect(
      cli({ searchPath: `/nowhere:${dir.resolve('bin')}` }).get(),
    ).resolves.toBe(command);
    expect(commands.get).toHaveBeenCalledWith();
  });

  it('says how to fix a missing CLI, and looks again next time', async () => {
    const locator = cli({ searchPath: dir.resolve('bin') });
    await expect(locator.get()).rejects.toThrow(
      "The Pulumi CLI is not on the backend's PATH. Install it (https://www.pulumi.com/docs/iac/download-install/), point pulumiAzureOidc.cli.root at an installation, or set pulumiAzureOidc.cli.autoInstall to true to install it on first use.",
    );
    executable('bin/pulumi');
    await expect(locator.get()).resolves.toBe(command);
  });

  describe('installs on first use', () => {
    let releases: PulumiReleaseServer;
    let v250: PulumiReleaseArchive;
    let v240: PulumiReleaseArchive;
    const installer = (
      options: Partial<ConstructorParameters<typeof PulumiCli>[0]> = {},
    ) =>
      cli({
        autoInstall: true,
        releasesUrl: releases.releasesUrl,
        checksums: {
          '3.250.0': { [PLATFORM]: v250.sha256 },
          '3.240.0': { [PLATFORM]: v240.sha256 },
        },
        sdkVersion: '3.250.0',
        ...options,
      });
    const installed = () =>
      existsSync(dir.resolve('install'))
        ? readdirSync(dir.resolve('install/bin')).sort()
        : [];
    // Staging directories beside the installation, none left behind.
    const leftovers = () =>
      readdirSync(dir.path).filter(name => name.includes('staging'));

    beforeAll(() => {
      v250 = pulumiReleaseArchive('3.250.0');
      v240 = pulumiReleaseArchive('3.240.0');
    });
    beforeEach(async () => {
      releases = await pulumiReleaseServer();
      releases.publish(archiveName('3.250.0'), v250.bytes);
      releases.publish(archiveName('3.240.0'), v240.bytes);
    });
    afterEach(() => releases.close());

    it("installs the bundled SDK's version once, verified, usable by the Automation API, and reuses it on later starts", async () => {
      // The Automation API's own PulumiCommand, not a stand-in.
      const locator = installer({ commands: undefined });
      const [first, second] = await Promise.all([locator.get(), locator.get()]);
      expect(first).toBe(second);
      expect(first.command).toBe(dir.resolve('install/bin/pulumi'));
      expect(first.version?.version).toBe('3.250.0');
      expect(releases.requests).toEqual([
        `/releases/sdk/${archiveName('3.250.0')}`,
      ]);
      expect(installed()).toEqual(['pulumi', 'pulumi-language-nodejs']);
      expect(leftovers()).toEqual([]);

      // A later start, even without autoInstall, verifies and uses it.
      await expect(
        cli({
          checksums: { '3.250.0': { [PLATFORM]: v250.sha256 } },
          sdkVersion: '3.250.0',
        }).get(),
      ).resolves.toBe(command);
      expect(commands.get).toHaveBeenCalledWith({
        root: dir.resolve('install'),
      });
      expect(releases.requests).toHaveLength(1);
    });

    it('installs the configured version, and replaces an older installation when it changes', async () => {
      await installer({ version: '3.240.0' }).get();
      expect(releases.requests).toEqual([
        `/releases/sdk/${archiveName('3.240.0')}`,
      ]);
      await expect(installer({ version: '3.250.0' }).get()).resolves.toBe(
        command,
      );
      expect(readFileSync(dir.resolve('install/bin/pulumi'), 'utf8')).toContain(
        'v3.250.0',
      );
      // Without autoInstall, an older one is reported rather than run.
      await installer({ version: '3.240.0' }).get();
      commands.get.mockClear();
      await expect(
        installer({ autoInstall: false, version: '3.250.0' }).get(),
      ).rejects.toThrow(
        `${dir.resolve(
          'install',
        )} holds the Pulumi CLI 3.240.0, not 3.250.0. Set pulumiAzureOidc.cli.autoInstall to true to replace it`,
      );
      expect(commands.get).not.toHaveBeenCalled();
    });

    it('refuses an archive that is not the committed release, and installs nothing', async () => {
      releases.publish(
        archiveName('3.250.0'),
        pulumiReleaseArchive('3.250.0', { prints: 'v3.250.0 (changed)' }).bytes,
      );
      const failure = installer().get();
      await expect(failure).rejects.toThrow(
        `The Pulumi CLI archive ${releases.releasesUrl}/${archiveName(
          '3.250.0',
        )} is not the release whose checksum is committed: its SHA-256 is `,
      );
      await expect(failure).rejects.toThrow(
        `expected ${v250.sha256}. Nothing was installed.`,
      );
      expect(installed()).toEqual([]);
      expect(leftovers()).toEqual([]);
      expect(commands.get).not.toHaveBeenCalled();
    });

    it('refuses an installed CLI that changed since it was installed', async () => {
      await installer().get();
      commands.get.mockClear();
      const manifest = dir.resolve('install/pulumi-cli.json');
      const original = readFileSync(manifest, 'utf8');
      const pulumi = readFileSync(dir.resolve('install/bin/pulumi'), 'utf8');

      executable('install/bin/pulumi', '#!/bin/sh\necho v3.250.0 # and more\n');
      await expect(installer().get()).rejects.toThrow(
        `The Pulumi CLI in ${dir.resolve(
          'install',
        )} will not be run: bin/pulumi changed since it was installed. Find out how it came to be there, then remove ${dir.resolve(
          'install',
        )} so that the CLI is installed again and verified`,
      );

      // Even with a manifest rewritten to match, it must print its version…
      const other = '#!/bin/sh\necho v3.249.0\n';
      executable('install/bin/pulumi', other);
      const rewritten = JSON.parse(original);
      rewritten.files.pulumi = createHash('sha256').update(other).digest('hex');
      writeFileSync(manifest, JSON.stringify(rewritten));
      await expect(installer().get()).rejects.toThrow(
        "will not be run: bin/pulumi version prints 'v3.249.0', expected v3.250.0",
      );

      // …and name the committed archive.
      writeFileSync(
        manifest,
        JSON.stringify({
          ...JSON.parse(original),
          archiveSha256: '0'.repeat(64),
        }),
      );
      await expect(installer().get()).rejects.toThrow(
        `will not be run: pulumi-cli.json does not name the committed checksum of ${archiveName(
          '3.250.0',
        )}`,
      );

      // Nothing may be added beside it, where the CLI finds its plugins.
      writeFileSync(manifest, original);
      executable('install/bin/pulumi', pulumi);
      executable('install/bin/pulumi-resource-azuread');
      await expect(installer().get()).rejects.toThrow(
        'will not be run: bin/pulumi-resource-azuread was not installed',
      );
      expect(commands.get).not.toHaveBeenCalled();
      expect(releases.requests).toHaveLength(1);
    });

    it('refuses an installation it did not make, as an earlier, unverified install left it', async () => {
      executable('install/bin/pulumi', '#!/bin/sh\necho v3.250.0\n');
      await expect(installer().get()).rejects.toThrow(
        'will not be run: it has no pulumi-cli.json, so it was not installed (or not verified) by this module',
      );
      expect(releases.requests).toEqual([]);
    });

    it('refuses, at start-up, a configured version without committed checksums', () => {
      expect(() => installer({ version: '3.200.0' })).toThrow(
        "pulumiAzureOidc.cli.version must be a version whose release checksums are committed in plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json (3.250.0, 3.240.0), got '3.200.0'",
      );
      // Only installing needs one.
      expect(() =>
        installer({ autoInstall: false, version: '3.200.0' }),
      ).not.toThrow();
    });

    it('refuses to install while no checksums are committed, naming the file to add them to', async () => {
      await expect(installer({ checksums: {} }).get()).rejects.toThrow(
        'No Pulumi CLI can be installed or verified: plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json holds no release checksums yet. Add those of 3.250.0',
      );
      // By default, the version named is the bundled SDK's.
      const { version } = jest.requireActual('@pulumi/pulumi/package.json');
      await expect(
        installer({ checksums: {}, sdkVersion: undefined }).get(),
      ).rejects.toThrow(
        `holds no release checksums yet. Add those of ${version} `,
      );
      expect(releases.requests).toEqual([]);
    });

    it('says why a download failed, and what to check', async () => {
      await expect(
        installer({ releasesUrl: `${releases.url}/elsewhere` }).get(),
      ).rejects.toThrow(
        `Could not download the Pulumi CLI 3.250.0 from ${releases.url}: ${
          releases.url
        } answered 404. Check that ${archiveName(
          '3.250.0',
        )} is published there.`,
      );
      const port = await refusedPort();
      await expect(
        installer({
          releasesUrl: `http://127.0.0.1:${port}/releases/sdk`,
        }).get(),
      ).rejects.toThrow(
        `Could not download the Pulumi CLI 3.250.0 from http://127.0.0.1:${port}: the connection to 127.0.0.1:${port} was refused. Check the backend's network and firewall`,
      );
      expect(installed()).toEqual([]);
      expect(leftovers()).toEqual([]);
    });
  });
});
