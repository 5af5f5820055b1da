import { valid } from 'semver';
import { PULUMI_CLI_CHECKSUMS } from './cliChecksums';
import { cliRelease, currentPlatform, defaultVersion } from './cliRelease';

const SHA = (c: string) => c.repeat(64);
const checksums = {
  '3.240.0': { 'linux-x64': SHA('a'), 'darwin-arm64': SHA('b') },
  '3.250.0': { 'linux-x64': SHA('C') },
  '3.99.0': { 'linux-x64': SHA('d') },
};
const release = (options: Partial<Parameters<typeof cliRelease>[0]> = {}) =>
  cliRelease({
    checksums,
    sdkVersion: '3.240.0',
    platform: 'linux-x64',
    releasesUrl: 'https://get.pulumi.com/releases/sdk',
    ...options,
  });

describe('cliRelease', () => {
  it("downloads the pinned archive from Pulumi's releases, with its committed checksum", () => {
    expect(release({ version: '3.240.0', platform: 'darwin-arm64' })).toEqual({
      version: '3.240.0',
      platform: 'darwin-arm64',
      archive: 'pulumi-v3.240.0-darwin-arm64.tar.gz',
      url: 'https://get.pulumi.com/releases/sdk/pulumi-v3.240.0-darwin-arm64.tar.gz',
      sha256: SHA('b'),
    });
    expect(release({ version: '3.250.0' }).sha256).toBe(SHA('c'));
  });

  it("defaults to the bundled SDK's version, else the newest with checksums", () => {
    expect(release().version).toBe('3.240.0');
    expect(defaultVersion(checksums, '3.260.0')).toBe('3.250.0');
    expect(defaultVersion({}, '3.260.0')).toBeUndefined();
  });

  it('refuses a version without committed checksums, naming the supported ones', () => {
    expect(() => release({ version: '3.200.0' })).toThrow(
      "pulumiAzureOidc.cli.version must be a version whose release checksums are committed in plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json (3.250.0, 3.240.0, 3.99.0), got '3.200.0'. Choose one of them, or add the checksums of 3.200.0 to that file",
    );
  });

  it('refuses while no checksums are committed, and says where to add them', () => {
    expect(() => release({ checksums: {} })).toThrow(
      'No Pulumi CLI can be installed or verified: plugins/scaffolder-backend-module-pulumi-azure-oidc/src/engine/automation/cliChecksums.json holds no release checksums yet. Add those of 3.240.0',
    );
  });

  it('refuses a platform Pulumi publishes no tar.gz for, or one without a checksum', () => {
    expect(currentPlatform('linux', 'x64')).toBe('linux-x64');
    expect(currentPlatform('darwin', 'arm64')).toBe('darwin-arm64');
    expect(currentPlatform('win32', 'x64')).toBeUndefined();
    expect(currentPlatform('linux', 'ia32')).toBeUndefined();
    expect(() => release({ platform: undefined })).toThrow(
      'The Pulumi CLI can be installed on Linux and macOS, on x64 and arm64',
    );
    expect(() => release({ platform: 'linux-arm64' })).toThrow(
      'has no checksum of pulumi-v3.240.0-linux-arm64.tar.gz',
    );
  });

  it('holds only well-formed checksums', () => {
    for (const [version, platforms] of Object.entries(PULUMI_CLI_CHECKSUMS)) {
      expect(valid(version)).toBe(version);
      for (const [platform, sha256] of Object.entries(platforms)) {
        expect(platform).toMatch(/^(linux|darwin)-(x64|arm64)$/);
        expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });
});
