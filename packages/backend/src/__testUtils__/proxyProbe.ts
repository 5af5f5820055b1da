/**
 * Runs in a process of its own, as the backend does: routes calls through
 * the proxy the environment names, then makes one call of each kind the
 * backend makes to the service at argv[2], printing how each ended as JSON.
 * (Inside Jest, `fetch` belongs to another realm than the dispatcher.)
 */
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  HttpClient,
  PulumiCloudEscEnvironments,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import https from 'node:https';
import { routeThroughProxy } from '../proxy';

async function main(serviceUrl: string) {
  routeThroughProxy();
  const outcome = async (call: () => Promise<unknown>) => {
    try {
      return { ok: await call() };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const goldenPath = await outcome(() =>
    new PulumiCloudEscEnvironments({
      apiUrl: serviceUrl,
      accessToken: 'pul-token',
      http: new HttpClient({ timeoutSeconds: 5, retries: 0 }),
    }).read({ organization: 'acme', project: 'payments', environment: 'prod' }),
  );
  const catalog = await outcome(async () => {
    const reader = UrlReaders.default({
      config: new ConfigReader({
        backend: { reading: { allow: [{ host: new URL(serviceUrl).host }] } },
      }),
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    const response = await reader.readUrl(`${serviceUrl}/catalog-info.yaml`);
    return (await response.buffer()).toString();
  });
  const nodeHttps = await outcome(
    () =>
      new Promise((resolve, reject) =>
        https
          .get(`${serviceUrl}/`, response => {
            response.resume();
            resolve(response.statusCode);
          })
          .on('error', reject),
      ),
  );
  process.stdout.write(JSON.stringify({ goldenPath, catalog, nodeHttps }));
}

main(process.argv[2]).then(
  () => process.exit(0),
  error => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
