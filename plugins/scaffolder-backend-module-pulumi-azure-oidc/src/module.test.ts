import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import pulumiAzureOidcModule from './module';

describe('the scaffolder module', () => {
  it('registers pulumi:azureOidc:provision with its schema and examples', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        pulumiAzureOidcModule,
        mockServices.rootConfig.factory({
          data: {
            pulumiAzureOidc: { dataDirectory: '/tmp/unused-by-this-test' },
          },
        }),
      ],
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
    expect(action.examples).toHaveLength(3);
  });

  it('refuses to start with a broken configuration, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          scaffolderPlugin,
          pulumiAzureOidcModule,
          mockServices.rootConfig.factory({
            data: { pulumiAzureOidc: { azure: { tenantId: 'contoso' } } },
          }),
        ],
      }),
    ).rejects.toThrow('pulumiAzureOidc.azure.tenantId must be a GUID');
  });
});
