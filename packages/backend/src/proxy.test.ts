import {
  forwardProxy,
  Loopback,
  RecordingProxy,
  untrustedHttpsServer,
} from '@esc-azure-oidc/test-utils';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * An HTTPS service on loopback and a proxy in front of it. Every outbound
 * call of the backend (the golden path's own, the catalog's URL reads,
 * node:https clients such as node-fetch and git) must cross the proxy when
 * HTTPS_PROXY names it, and must not when NO_PROXY covers the host. Each
 * case runs the calls in a process of its own, started as the backend is.
 */
// Each case starts a process that loads the backend's modules from source.
jest.setTimeout(30_000);

describe('the backend behind a corporate proxy', () => {
  let service: Loopback & { certificate: string };
  let proxy: RecordingProxy | undefined;
  let directory: string;

  beforeAll(async () => {
    service = await untrustedHttpsServer((request, response) => {
      if (request.url === '/catalog-info.yaml') {
        response.end('apiVersion: backstage.io/v1alpha1\n');
      } else {
        response.writeHead(200, { ETag: 'revision-1' }).end('values: {}\n');
      }
    });
    directory = await mkdtemp(join(tmpdir(), 'proxy-test-'));
    await writeFile(join(directory, 'ca.pem'), service.certificate);
  });
  afterAll(async () => {
    await service.close();
    await rm(directory, { recursive: true, force: true });
  });
  afterEach(async () => {
    await proxy?.close();
  });

  /** The calls, in a process whose environment holds `variables`. */
  async function callsWith(variables: Record<string, string>) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      delete env[name];
      delete env[name.toLowerCase()];
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        resolve(__dirname, '__testUtils__/proxyProbe.ts'),
        service.url,
      ],
      {
        env: {
          ...env,
          ...variables,
          NODE_EXTRA_CA_CERTS: join(directory, 'ca.pem'),
        },
      },
    );
    return JSON.parse(stdout);
  }
  const tunnel = () => `CONNECT 127.0.0.1:${service.port}`;

  it("sends the golden path's calls, the catalog's URL reads and node:https clients through HTTPS_PROXY", async () => {
    proxy = await forwardProxy();
    await expect(callsWith({ HTTPS_PROXY: proxy.url })).resolves.toEqual({
      goldenPath: { ok: { yaml: 'values: {}\n', etag: 'revision-1' } },
      catalog: { ok: 'apiVersion: backstage.io/v1alpha1\n' },
      nodeHttps: { ok: 200 },
    });
    expect(proxy.seen).toEqual([tunnel(), tunnel(), tunnel()]);
  });

  it('goes straight to the hosts NO_PROXY covers', async () => {
    proxy = await forwardProxy();
    const calls = await callsWith({
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(calls.goldenPath.ok).toBeTruthy();
    expect(calls.catalog.ok).toBeTruthy();
    expect(calls.nodeHttps).toEqual({ ok: 200 });
    expect(proxy.seen).toEqual([]);
  });

  it('says that the proxy refused, and what to check', async () => {
    proxy = await forwardProxy({ refuse: 403 });
    const calls = await callsWith({ https_proxy: proxy.url });
    expect(calls.goldenPath.error).toBe(
      `Could not reach Pulumi Cloud at ${service.url} while reading the ESC environment acme/payments/prod: ` +
        `the proxy ${proxy.url} refused to open a connection to 127.0.0.1:${service.port} (it answered 403). ` +
        'Check that the proxy allows this host and accepts the backend (credentials in the proxy URL of HTTPS_PROXY); ' +
        'NO_PROXY, if 127.0.0.1 should not go through the proxy; pulumiAzureOidc.pulumiCloud.apiUrl.',
    );
    expect(proxy.seen).toEqual([tunnel(), tunnel(), tunnel()]);
  });

  it('changes nothing when no proxy is configured', async () => {
    await expect(callsWith({})).resolves.toMatchObject({
      goldenPath: { ok: { yaml: 'values: {}\n' } },
      nodeHttps: { ok: 200 },
    });
  });
});
