import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { examples } from './actions/provision.examples';
import pulumiAzureOidcModule from './module';

/** The scaffolder with this module, on `pulumiAzureOidc` settings. */
const startModule = (pulumiAzureOidc: object) =>
  startTestBackend({
    features: [
      scaffolderPlugin,
      pulumiAzureOidcModule,
      mockServices.rootConfig.factory({ data: { pulumiAzureOidc } }),
    ],
  });

describe('the scaffolder module', () => {
  it('registers pulumi:azureOidc:provision with its schema and examples', async () => {
    const { server } = await startModule({
      dataDirectory: '/tmp/unused-by-this-test',
    });
    const response = await request(server).get('/api/scaffolder/v2/actions');
    expect(response.status).toBe(200);
    const action = response.body.find(
      (a: { id: string }) => a.id === 'pulumi:azureOidc:provision',
    );
    expect(action.schema.input.required).toEqual(['project', 'environment']);
    expect(Object.keys(action.schema.input.properties)).toEqual([
      'organization',
      'project',
      'environment',
      'subscriptionId',
      'roleAssignments',
      'subjectMode',
      'subjectAttributes',
      'rootEnvironments',
      'includeIacSubject',
      'createEscEnvironment',
      'keyVault',
      'owner',
    ]);
    expect(
      action.examples.map((e: { description: string }) => e.description),
    ).toEqual(examples.map(e => e.description));
    expect(response.body.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining([
        'pulumi:azureOidc:writeCatalogInfo',
        'pulumi:azureOidc:publish',
        'pulumi:azureOidc:verify',
        'pulumi:azureOidc:decommission',
      ]),
    );
  });

  it('schedules drift rounds, on one replica at a time, only when configured', async () => {
    const scheduler = mockServices.scheduler.mock();
    const started = (pulumiAzureOidc: object) =>
      startTestBackend({
        features: [
          scaffolderPlugin,
          pulumiAzureOidcModule,
          scheduler.factory,
          mockServices.rootConfig.factory({ data: { pulumiAzureOidc } }),
        ],
      });
    await started({ dataDirectory: '/tmp/unused-by-this-test' });
    expect(scheduler.scheduleTask).not.toHaveBeenCalledWith(
      expect.objectContaining({ id: 'pulumi-azure-oidc-drift' }),
    );
    await started({
      dataDirectory: '/tmp/unused-by-this-test',
      lifecycle: {
        drift: { schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } } },
      },
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'pulumi-azure-oidc-drift',
        frequency: { hours: 6 },
        timeout: { hours: 1 },
        scope: 'global',
      }),
    );
  });

  it("tells the portal's forms what the guardrails allow, and nothing secret", async () => {
    const { server } = await startModule({
      pulumiCloud: {
        organization: 'acme',
        accessToken: 'pul-secret-token',
      },
      azure: {
        tenantId: '99999999-8888-7777-6666-555555555555',
        defaultSubscriptionId: '11111111-2222-3333-4444-555555555555',
        credentials: {
          type: 'clientSecret',
          clientId: 'app',
          clientSecret: 'azure-secret',
        },
      },
      guardrails: {
        allowedSubscriptions: [
          {
            id: '11111111-2222-3333-4444-555555555555',
            name: 'Payments',
          },
        ],
        roles: [
          {
            name: 'AcrPull',
            id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
            privileged: false,
          },
        ],
        allowedScopePrefixes: [
          '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-apps',
        ],
      },
      state: { backendUrl: 's3://state', passphrase: 'state-secret' },
    });
    const response = await request(server).get(
      '/api/scaffolder/pulumi-azure-oidc/options',
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      catalogDestination: { type: 'local' },
      organization: 'acme',
      defaultSubscriptionId: '11111111-2222-3333-4444-555555555555',
      guardrails: {
        allowedOrganizations: ['acme'],
        allowedSubscriptions: [
          { id: '11111111-2222-3333-4444-555555555555', name: 'Payments' },
        ],
        // Unset in the configuration: nothing requestable, no subscription-wide grant.
        allowedRoles: [],
        allowedPrivilegedRoles: [],
        allowSubscriptionScope: false,
        allowIacSubject: false,
        allowedScopePrefixes: [
          '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-apps',
        ],
      },
      roles: expect.arrayContaining([
        {
          name: 'Reader',
          id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
          privileged: false,
        },
        {
          name: 'Owner',
          id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
          privileged: true,
        },
        {
          name: 'AcrPull',
          id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
          privileged: false,
        },
      ]),
      escEnvironmentsEnabled: true,
    });
    expect(JSON.stringify(response.body)).not.toMatch(/secret/);
  });

  it('refuses to start with a broken configuration, naming the key', async () => {
    await expect(
      startModule({ azure: { tenantId: 'contoso' } }),
    ).rejects.toThrow('pulumiAzureOidc.azure.tenantId must be a GUID');
  });

  it('loads neither Pulumi nor the preview pool until a run needs them', () => {
    // What the backend pays at start-up: the module's own code only. A
    // fresh process, since this one has loaded Pulumi for other tests.
    const loaded = execFileSync(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '--eval',
        `require(${JSON.stringify(require.resolve('./index'))});
         console.log(JSON.stringify(Object.keys(require.cache)))`,
      ],
      { encoding: 'utf8' },
    );
    const modules: string[] = JSON.parse(loaded);
    expect(modules.some(m => m.includes('/scaffolder-backend-module'))).toBe(
      true,
    );
    expect(modules.filter(m => /[\\/](@pulumi|piscina)[\\/]/.test(m))).toEqual(
      [],
    );
  }, 30_000);
});
