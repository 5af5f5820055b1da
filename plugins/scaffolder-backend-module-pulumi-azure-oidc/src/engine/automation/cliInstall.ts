/**
 * Installs a Pulumi CLI release archive whose SHA-256 matches the committed
 * one, and checks an installation before it runs.
 *
 * The archive holds `pulumi/pulumi` and the language hosts and plugins
 * bundled with it (`pulumi/pulumi-language-nodejs`…); they go into
 * `<installRoot>/bin`, where PulumiCommand.get({ root }) looks, beside a
 * manifest of the archive's checksum and of each file. The manifest guards
 * against a changed or corrupted installation, not against someone who can
 * write the data directory: they could rewrite it too.
 *
 * Archives are unpacked by the system's `tar` (GNU tar on Linux, bsdtar on
 * macOS), run without a shell, and only once the checksum matched: the
 * module does not depend on a tar library.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import {
  describeNetworkFailure,
  proxyFor,
  safeOrigin,
} from '../../http/networkFailures';
import { CliRelease } from './cliRelease';

const run = promisify(execFile);

/** Next to `bin`: what was installed, from which archive. */
export const MANIFEST = 'pulumi-cli.json';

/** Far above any Pulumi archive (~150 MB), far below a full disk. */
const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

export interface CliManifest {
  version: string;
  platform: string;
  /** The archive's SHA-256, the committed one. */
  archiveSha256: string;
  /** SHA-256 of each file of `bin`. */
  files: Record<string, string>;
}

/** An installation that must not run; the message says what to do. */
export class CliVerificationError extends Error {
  name = 'CliVerificationError';
}

/** The archive could not be fetched, or was not the committed one. */
export class CliDownloadError extends Error {
  name = 'CliDownloadError';
}

/**
 * Downloads, checks and unpacks `release` into `installRoot`, replacing an
 * older installation there. Nothing changes in `installRoot` unless every
 * check passed.
 */
export async function installCli(
  release: CliRelease,
  installRoot: string,
  options: { timeoutSeconds: number },
): Promise<void> {
  await mkdir(dirname(installRoot), { recursive: true });
  // Beside installRoot, so that the final rename stays on one file system.
  const staging = await mkdtemp(
    join(dirname(installRoot), `.${basename(installRoot)}-staging-`),
  );
  try {
    const archive = join(staging, release.archive);
    const sha256 = await download(release, archive, options.timeoutSeconds);
    if (sha256 !== release.sha256) {
      throw new CliDownloadError(
        `The Pulumi CLI archive ${release.url} is not the release whose checksum is committed: its SHA-256 is ${sha256}, expected ${release.sha256}. ` +
          'Nothing was installed. Check what answers for get.pulumi.com on this network (a proxy or mirror that rewrites downloads), ' +
          'or install the CLI yourself, on PATH or at pulumiAzureOidc.cli.root.',
      );
    }
    const unpacked = join(staging, 'unpacked');
    await mkdir(unpacked);
    await run('tar', ['-xzf', archive, '-C', unpacked], {
      timeout: options.timeoutSeconds * 1000,
    }).catch(error => {
      throw new CliDownloadError(
        `Could not unpack ${release.archive} with the system's tar: ${error.message}. ` +
          'Install tar on the backend host, or install the CLI yourself, on PATH or at pulumiAzureOidc.cli.root.',
      );
    });
    const root = join(staging, 'root');
    const bin = join(root, 'bin');
    await mkdir(bin, { recursive: true });
    const files: Record<string, string> = {};
    for (const name of await readdir(join(unpacked, 'pulumi'))) {
      const from = join(unpacked, 'pulumi', name);
      if (!(await lstat(from)).isFile()) continue;
      await rename(from, join(bin, name));
      await chmod(join(bin, name), 0o755);
      files[name] = await sha256File(join(bin, name));
    }
    if (!files.pulumi) {
      throw new CliDownloadError(
        `The Pulumi CLI archive ${release.url} has no pulumi/pulumi.`,
      );
    }
    await expectVersion(join(bin, 'pulumi'), release.version);
    const manifest: CliManifest = {
      version: release.version,
      platform: release.platform,
      archiveSha256: sha256,
      files,
    };
    await writeFile(
      join(root, MANIFEST),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
    await replace(installRoot, root);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Moves `root` to `installRoot`, and an older installation out of the way. */
async function replace(installRoot: string, root: string): Promise<void> {
  const old = `${installRoot}.old-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(installRoot, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(root, installRoot);
  } catch (error) {
    // Another backend sharing the data directory installed it first; the
    // caller verifies theirs as any other installation.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

export type InstalledCli =
  | { state: 'absent' }
  /** Installed and unchanged, but another version than `release`'s. */
  | { state: 'other-version'; version: string }
  | { state: 'verified' };

/**
 * Whether `installRoot` holds `release`, as installed: the manifest names
 * its committed checksum, every file of `bin` is the one installed, and
 * `pulumi version` prints its version. Throws when it holds anything else.
 */
export async function verifyInstalledCli(
  installRoot: string,
  release: CliRelease,
): Promise<InstalledCli> {
  const bin = join(installRoot, 'bin');
  const names = await readdir(bin).catch(() => undefined);
  const manifest = await readManifest(installRoot);
  if (!names && !manifest) return { state: 'absent' };
  const refuse = (problem: string) =>
    new CliVerificationError(
      `The Pulumi CLI in ${installRoot} will not be run: ${problem}. ` +
        `Find out how it came to be there, then remove ${installRoot} so that the CLI is installed again and verified (with pulumiAzureOidc.cli.autoInstall), ` +
        'or install it yourself, on PATH or at pulumiAzureOidc.cli.root.',
    );
  if (!manifest) {
    throw refuse(
      `it has no ${MANIFEST}, so it was not installed (or not verified) by this module`,
    );
  }
  if (manifest.version !== release.version) {
    return { state: 'other-version', version: manifest.version };
  }
  if (
    manifest.platform !== release.platform ||
    manifest.archiveSha256 !== release.sha256
  ) {
    throw refuse(
      `${MANIFEST} does not name the committed checksum of ${release.archive}`,
    );
  }
  for (const name of names ?? []) {
    if (!manifest.files[name]) throw refuse(`bin/${name} was not installed`);
  }
  for (const [name, sha256] of Object.entries(manifest.files)) {
    const actual = await sha256File(join(bin, name)).catch(() => 'missing');
    if (actual !== sha256) {
      throw refuse(`bin/${name} changed since it was installed`);
    }
  }
  try {
    await expectVersion(join(bin, 'pulumi'), release.version);
  } catch (error) {
    throw refuse((error as Error).message);
  }
  return { state: 'verified' };
}

async function readManifest(
  installRoot: string,
): Promise<CliManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(installRoot, MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const manifest = JSON.parse(text) as CliManifest;
    if (typeof manifest.files !== 'object' || manifest.files === null) {
      return undefined;
    }
    return manifest;
  } catch {
    return undefined;
  }
}

/** `pulumi version` prints `v3.276.0`. */
async function expectVersion(pulumi: string, version: string): Promise<void> {
  const { stdout } = await run(pulumi, ['version'], {
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' },
    timeout: 30_000,
  });
  const printed = stdout.trim();
  if (printed.replace(/^v/, '') !== version) {
    throw new CliVerificationError(
      `bin/pulumi version prints '${printed}', expected v${version}`,
    );
  }
}

async function download(
  release: CliRelease,
  file: string,
  timeoutSeconds: number,
): Promise<string> {
  const url = new URL(release.url);
  const failed = (reason: string, check: string[]) =>
    new CliDownloadError(
      `Could not download the Pulumi CLI ${release.version} from ${url.origin}: ${reason}. ` +
        `Check ${check.join(
          '; ',
        )}. Or install the CLI yourself, on PATH or at pulumiAzureOidc.cli.root.`,
    );
  const signal = AbortSignal.timeout(timeoutSeconds * 1000);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) {
      throw failed(`${safeOrigin(release.url)} answered ${response.status}`, [
        `that ${release.archive} is published there`,
      ]);
    }
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > MAX_ARCHIVE_BYTES) {
            done(new Error(`it is larger than ${MAX_ARCHIVE_BYTES} bytes`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(file, { mode: 0o600 }),
    );
  } catch (error) {
    if (error instanceof CliDownloadError) throw error;
    if (signal.aborted) {
      throw failed(`it took longer than ${timeoutSeconds} seconds`, [
        "the backend's network and its bandwidth",
      ]);
    }
    const { reason, check } = describeNetworkFailure(error, url, proxyFor(url));
    throw failed(reason, check);
  }
  return hash.digest('hex');
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}
