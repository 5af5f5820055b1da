import { ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EnvironmentEngine } from '../engine/engine';
import { emptyStackState } from '../engine/stackModel';
import { createPulumiAzureOidcModule } from '../module';
import { ownedEntity } from './stewardship';

/** The catalog entity of acme/payments/prod. */
export const ENVIRONMENT_ENTITY = escEnvironmentEntityName({
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
});

/**
 * The scaffolder with this module, over an in-memory catalog where Ada owns
 * acme/payments/prod and an engine whose stack holds its identity. Nobody
 * is signed in to Azure, and no Pulumi Cloud token is configured.
 */
export async function startModuleWithEnvironment(options: {
  dataDirectory: string;
  engine: jest.Mocked<EnvironmentEngine>;
  /** The permission, HTTP auth and other services the test decides. */
  services: ServiceFactory[];
}) {
  const { engine } = options;
  engine.outputs.mockResolvedValue({
    ...emptyStackState(),
    resources: 4,
    owner: 'user:default/ada',
    identity: {
      clientId: 'client',
      tenantId: 'tenant',
      subscriptionId: 'sub',
      servicePrincipalObjectId: 'sp',
    },
  });
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      createPulumiAzureOidcModule({ createEngine: () => engine }),
      catalogServiceMock.factory({
        entities: [ownedEntity(ENVIRONMENT_ENTITY, 'user:default/ada')],
      }),
      mockServices.rootConfig.factory({
        data: {
          pulumiAzureOidc: {
            dataDirectory: options.dataDirectory,
            azure: {
              tenantId: '99999999-8888-7777-6666-555555555555',
              credentials: { type: 'managedIdentity' },
              endpoints: { managedIdentity: 'http://127.0.0.1:9' },
            },
            network: { timeoutSeconds: 1, retries: 0 },
          },
        },
      }),
      ...options.services,
    ],
  });
  return server;
}
