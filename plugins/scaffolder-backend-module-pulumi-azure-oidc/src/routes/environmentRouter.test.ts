/**
 * An environment's health through the running module: the scaffolder with
 * this module, an in-memory catalog, and an engine whose stack holds an
 * identity. No Pulumi Cloud token and no Azure sign-in are configured, so
 * a verification reports those links as not run.
 */
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { emptyStackState } from '../engine/stackModel';
import { createPulumiAzureOidcModule } from '../module';
import { engineMock } from '../__testUtils__/provisioning';
import { ownedEntity } from '../__testUtils__/stewardship';

const ENTITY = escEnvironmentEntityName({
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
});
const BASE =
  '/api/scaffolder/pulumi-azure-oidc/environments/acme/payments/prod';

describe('the environment routes', () => {
  const dir = createMockDirectory();

  async function start() {
    const engine = engineMock();
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
          entities: [ownedEntity(ENTITY, 'user:default/ada')],
        }),
        mockServices.rootConfig.factory({
          data: {
            pulumiAzureOidc: {
              dataDirectory: dir.path,
              // Nobody is signed in to Azure here.
              azure: {
                tenantId: '99999999-8888-7777-6666-555555555555',
                credentials: { type: 'managedIdentity' },
                endpoints: { managedIdentity: 'http://127.0.0.1:9' },
              },
              network: { timeoutSeconds: 1, retries: 0 },
            },
          },
        }),
      ],
    });
    return server;
  }
  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  it('serves users only, and no environment it does not know', async () => {
    const server = await start();
    const service = await request(server)
      .get(`${BASE}/status`)
      .set({ Authorization: mockCredentials.service.header() });
    expect(service.status).toBe(403);
    const unknown = await request(server)
      .get(
        '/api/scaffolder/pulumi-azure-oidc/environments/acme/payments/dev/status',
      )
      .set(as('user:default/ada'));
    expect(unknown.status).toBe(404);
  });

  it("verifies for the environment's owner, and shows the result to whoever may see it", async () => {
    const server = await start();
    const empty = await request(server)
      .get(`${BASE}/status`)
      .set(as('user:default/eve'));
    expect(empty.body).toEqual({
      environmentRef: 'acme/payments/prod',
      verify: [],
      drift: [],
    });

    const refused = await request(server)
      .post(`${BASE}/verify`)
      .set(as('user:default/eve'));
    expect(refused.status).toBe(403);

    const verified = await request(server)
      .post(`${BASE}/verify`)
      .set(as('user:default/ada'));
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      kind: 'verify',
      ok: false,
      status: 'incomplete',
      checks: [
        { name: 'stack', status: 'passed' },
        { name: 'ESC definition', status: 'skipped' },
        { name: 'OIDC token', status: 'skipped' },
        { name: 'token claims', status: 'skipped' },
        { name: 'Entra exchange', status: 'skipped' },
        { name: 'role assignments', status: 'skipped' },
      ],
    });

    const status = await request(server)
      .get(`${BASE}/status`)
      .set(as('user:default/eve'));
    expect(status.body.verify).toEqual([verified.body]);
  });
});
