/**
 * A stand-in for Pulumi's release downloads (get.pulumi.com/releases/sdk) on
 * 127.0.0.1, and release archives small enough to build in a test: their
 * `pulumi/pulumi` is a shell script that answers `pulumi version` as the
 * real CLI does. Archives are made by the system's `tar`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpServer, Loopback } from './loopback';

export interface PulumiReleaseArchive {
  bytes: Buffer;
  /** Of `bytes`, in hex, as in `pulumi-<version>-checksums.txt`. */
  sha256: string;
}

/**
 * A `pulumi-v<version>-<os>-<arch>.tar.gz` look-alike: `pulumi/pulumi`
 * prints `v<version>` (or `prints`), and `pulumi/pulumi-language-nodejs`
 * sits beside it, as in Pulumi's archives.
 */
export function pulumiReleaseArchive(
  version: string,
  options: { prints?: string } = {},
): PulumiReleaseArchive {
  const dir = mkdtempSync(join(tmpdir(), 'pulumi-release-'));
  try {
    const pulumi = join(dir, 'pulumi');
    mkdirSync(pulumi);
    const script = (text: string) =>
      `#!/bin/sh\necho '${text.replace(/'/g, '')}'\n`;
    writeFileSync(
      join(pulumi, 'pulumi'),
      script(options.prints ?? `v${version}`),
    );
    writeFileSync(
      join(pulumi, 'pulumi-language-nodejs'),
      script('nodejs language host'),
    );
    chmodSync(join(pulumi, 'pulumi'), 0o755);
    chmodSync(join(pulumi, 'pulumi-language-nodejs'), 0o755);
    const archive = join(dir, 'release.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', dir, 'pulumi']);
    const bytes = readFileSync(archive);
    return {
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PulumiReleaseServer extends Loopback {
  /** Where archives are: `<url>/releases/sdk`. */
  releasesUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Serves `bytes` as `<releasesUrl>/<archive>`. */
  publish(archive: string, bytes: Buffer): void;
}

/** Answers 404 for what was not published. */
export async function pulumiReleaseServer(): Promise<PulumiReleaseServer> {
  const published = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = await httpServer((request, response) => {
    requests.push(request.url!);
    const bytes = published.get(request.url!);
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, {
        'Content-Type': 'application/gzip',
        'Content-Length': bytes.length,
      })
      .end(bytes);
  });
  return {
    ...server,
    releasesUrl: `${server.url}/releases/sdk`,
    requests,
    publish: (archive, bytes) =>
      published.set(`/releases/sdk/${archive}`, bytes),
  };
}
