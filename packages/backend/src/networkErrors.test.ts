/**
 * What a platform team reads in the task log when the portal cannot reach a
 * service: the service, the URL, what the portal was doing and what to
 * check; no bare "fetch failed" and no stack trace.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { refusedPort } from '@esc-azure-oidc/test-utils';
import {
  answers,
  runTemplate,
  startGoldenPathPortal,
} from './__testUtils__/goldenPath';

jest.setTimeout(60_000);

describe('a template run that cannot reach Pulumi Cloud', () => {
  const data = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;
  let port: number;

  beforeAll(async () => {
    port = await refusedPort();
    portal = await startGoldenPathPortal(data.path, {
      pulumiAzureOidc: {
        dataDirectory: data.resolve('pulumi'),
        localCatalog: { directory: data.resolve('catalog') },
        pulumiCloud: {
          organization: 'acme',
          apiUrl: `https://127.0.0.1:${port}`,
          accessToken: 'pul-canary-token',
        },
        azure: {
          tenantId: '99999999-8888-7777-6666-555555555555',
          defaultSubscriptionId: answers.subscriptionId,
        },
        guardrails: {
          allowedSubscriptions: [{ id: answers.subscriptionId }],
          allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
          allowSubscriptionScope: true,
        },
        network: { retries: 0 },
      },
    });
  });
  afterAll(() => portal.stop());

  it('says which service, where, while doing what, why, and what to check', async () => {
    const run = await runTemplate(portal, {
      ...answers,
      createEscEnvironment: true,
    });
    expect(run.status).toBe('failed');
    const message =
      `Could not reach Pulumi Cloud at https://127.0.0.1:${port} while reading the ESC environment acme/payments/prod: ` +
      `the connection to 127.0.0.1:${port} was refused. Check the backend's network and firewall; ` +
      'HTTPS_PROXY and NO_PROXY, if the backend reaches services through a proxy; pulumiAzureOidc.pulumiCloud.apiUrl.';
    // The failed step's log line is the error's name and words.
    expect(run.errors).toContain(`ServiceUnreachableError: ${message}`);
    expect(run.log).not.toContain('fetch failed');
    expect(run.log).not.toMatch(/\n\s+at /);
    expect(run.log).not.toContain('pul-canary-token');
  });
});
