import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { PulumiCommand } from '@pulumi/pulumi/automation';
import { chmodSync } from 'node:fs';
import { PulumiCli, PulumiCommandSource } from './pulumiCli';

describe('PulumiCli', () => {
  const dir = createMockDirectory();
  const command = { command: 'pulumi' } as unknown as PulumiCommand;
  let commands: jest.Mocked<PulumiCommandSource>;

  beforeEach(() => {
    dir.clear();
    commands = {
      get: jest.fn().mockResolvedValue(command),
      install: jest.fn().mockResolvedValue(command),
    };
  });

  const executable = (path: string) => {
    dir.addContent({ [path]: '#!/bin/sh\n' });
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

  it('uses a CLI it installed on an earlier start', async () => {
    executable('install/bin/pulumi');
    await cli().get();
    expect(commands.get).toHaveBeenCalledWith({ root: dir.resolve('install') });
    expect(commands.install).not.toHaveBeenCalled();
  });

  it('installs the pinned version once when allowed', async () => {
    const locator = cli({ autoInstall: true, version: '3.200.0' });
    await Promise.all([locator.get(), locator.get()]);
    await locator.get();
    expect(commands.install).toHaveBeenCalledTimes(1);
    expect(commands.install).toHaveBeenCalledWith({
      root: dir.resolve('install'),
      version: expect.objectContaining({ version: '3.200.0' }),
    });
  });

  it('says how to fix a missing CLI, and looks again next time', async () => {
    const locator = cli();
    await expect(locator.get()).rejects.toThrow(
      "The Pulumi CLI is not on the backend's PATH. Install it (https://www.pulumi.com/docs/iac/download-install/), point pulumiAzureOidc.cli.root at an installation, or set pulumiAzureOidc.cli.autoInstall to true to install it on first use.",
    );
    executable('install/bin/pulumi');
    await expect(locator.get()).resolves.toBe(command);
  });
});
