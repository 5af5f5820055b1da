/**
 * The real thing, against a real Entra tenant, Azure subscription and Pulumi
 * Cloud organization. Opt-in: it creates and then destroys an application,
 * its service principal, credentials, a role assignment and an ESC
 * environment. See the package README for the variables it needs.
 */
import { ConfigReader } from '@backstage/config';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { LocalWorkspace, Stack } from '@pulumi/pulumi/automation';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createPulumiAzureOidcProvisionAction } from './actions/provision';
import { configuredSecrets, readPulumiAzureOidcConfig } from './config';
import { AutomationApiEngine } from './engine/automationEngine';
import { PulumiCli } from './engine/pulumiCli';
import { HttpClient } from './http/httpClient';
import { PulumiCloudEscEnvironments } from './escEnvironments';
import { SecretRedactor } from './secrets';
import { testStewardship } from './__testUtils__/stewardship';

const REQUIRED = [
  'PULUMI_AZURE_OIDC_LIVE_TEST',
  'PULUMI_ACCESS_TOKEN',
  'LIVE_PULUMI_ORGANIZATION',
  'ARM_TENANT_ID',
  'ARM_CLIENT_ID',
  'ARM_CLIENT_SECRET',
  'LIVE_SUBSCRIPTION_ID',
  'LIVE_RESOURCE_GROUP',
];
const missing = REQUIRED.filter(name => !process.env[name]);
const describeLive = missing.length === 0 ? describe : describe.skip;
const title =
  missing.length === 0
    ? 'live: a real tenant and Pulumi Cloud'
    : `live: not run, because ${missing.join(', ')} ${
        missing.length === 1 ? 'is' : 'are'
      } unset (opt-in; see the README)`;

if (missing.length > 0) {
  // eslint-disable-next-line no-console
  console.warn(`Skipped: ${title}`);
}

describeLive(title, () => {
  const env = process.env as Record<string, string>;
  const dir = createMockDirectory();
  const stacks: Stack[] = [];
  const environment = `run-${Date.now()}`;
  const project = 'backstage-live-test';

  const settings = () =>
    readPulumiAzureOidcConfig(
      new ConfigReader({
        pulumiAzureOidc: {
          dataDirectory: dir.path,
          pulumiCloud: {
            organization: env.LIVE_PULUMI_ORGANIZATION,
            accessToken: env.PULUMI_ACCESS_TOKEN,
          },
          azure: {
            tenantId: env.ARM_TENANT_ID,
            defaultSubscriptionId: env.LIVE_SUBSCRIPTION_ID,
            credentials: {
              type: 'clientSecret',
              clientId: env.ARM_CLIENT_ID,
              clientSecret: env.ARM_CLIENT_SECRET,
            },
          },
          guardrails: {
            allowedSubscriptions: [{ id: env.LIVE_SUBSCRIPTION_ID }],
          },
        },
      }),
    );

  const run = async () => {
    const config = settings();
    const redactor = new SecretRedactor(configuredSecrets(config));
    const logger = mockServices.logger.mock();
    const engine = new AutomationApiEngine({
      settings: config,
      redactor,
      logger,
      cli: new PulumiCli({
        autoInstall: false,
        installRoot: `${dir.path}/cli`,
        logger,
      }),
      createOrSelectStack: async (args, options) => {
        const stack = await LocalWorkspace.createOrSelectStack(args, options);
        stacks.push(stack);
        return stack;
      },
    });
    const action = createPulumiAzureOidcProvisionAction({
      settings: config,
      engine,
      redactor,
      stewardship: testStewardship(),
      escEnvironments: new PulumiCloudEscEnvironments({
        apiUrl: config.pulumiCloud.apiUrl,
        accessToken: env.PULUMI_ACCESS_TOKEN,
        http: new HttpClient(config.network),
      }),
    });
    const ctx = createMockActionContext<any>({
      input: {
        project,
        environment,
        roleAssignments: [{ role: 'Reader', scope: env.LIVE_RESOURCE_GROUP }],
        createEscEnvironment: true,
      },
    });
    await action.handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };

  afterAll(async () => {
    const stack = stacks[stacks.length - 1];
    if (!stack) return;
    await stack.destroy({ color: 'never' });
    await stack.workspace.removeStack(stack.name);
    // The environment is written through the REST API, not by the stack.
    await fetch(
      `https://api.pulumi.com/api/esc/environments/${env.LIVE_PULUMI_ORGANIZATION}/${project}/${environment}`,
      {
        method: 'DELETE',
        headers: { Authorization: `token ${env.PULUMI_ACCESS_TOKEN}` },
      },
    );
  }, 600_000);

  it('provisions, lets the environment log in, and changes nothing on a second run', async () => {
    const first = await run();
    expect(first.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.changes.created).toBeGreaterThan(0);
    expect(first.escEnvironmentChange).toBe('created');

    // Entra replicates new credentials within minutes: retry opening.
    const ref = `${env.LIVE_PULUMI_ORGANIZATION}/${project}/${environment}`;
    let opened: { environmentVariables?: Record<string, string> } | undefined;
    for (let attempt = 0; attempt < 12 && !opened; attempt++) {
      try {
        const { stdout } = await promisify(execFile)('pulumi', [
          'env',
          'open',
          ref,
          '--format',
          'json',
        ]);
        opened = JSON.parse(stdout);
      } catch {
        await new Promise(resolve => setTimeout(resolve, 10_000));
      }
    }
    expect(opened?.environmentVariables?.ARM_CLIENT_ID).toBe(first.clientId);

    const second = await run();
    expect(second.changes).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 0,
      replaced: 0,
    });
    // Pulumi Cloud kept the definition as written, header included.
    expect(second.escEnvironmentChange).toBe('unchanged');
  }, 900_000);
});
