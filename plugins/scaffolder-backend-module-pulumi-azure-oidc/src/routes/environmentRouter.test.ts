/**
 * An environment's health through the running module: the scaffolder with
 * this module, an in-memory catalog, and an engine whose stack holds an
 * identity. No Pulumi Cloud token and no Azure sign-in are configured, so
 * a verification reports those links as not run.
 */
import { ServiceFactory } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { engineMock } from '../__testUtils__/provisioning';
import {
  ENVIRONMENT_ENTITY,
  startModuleWithEnvironment,
} from '../__testUtils__/environmentModule';

const ENTITY = ENVIRONMENT_ENTITY;
const BASE =
  '/api/scaffolder/pulumi-azure-oidc/environments/acme/payments/prod';

describe('the environment routes', () => {
  const dir = createMockDirectory();

  const start = (
    permissions: ServiceFactory = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
  ) =>
    startModuleWithEnvironment({
      dataDirectory: dir.path,
      engine: engineMock(),
      services: [permissions],
    });
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
        { name: 'default access', status: 'skipped' },
      ],
    });

    const status = await request(server)
      .get(`${BASE}/status`)
      .set(as('user:default/eve'));
    expect(status.body.verify).toEqual([verified.body]);
  });

  it('verifies only for those the permission policy lets manage the environment', async () => {
    const permissions = mockServices.permissions.mock({
      authorize: async () => [{ result: AuthorizeResult.DENY }],
    });
    const server = await start(permissions.factory);
    const refused = await request(server)
      .post(`${BASE}/verify`)
      .set(as('user:default/ada'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      "Cannot verify acme/payments/prod: the portal's permission policy does not let you manage it",
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'pulumi-azure-oidc.environment.manage',
            resourceType: 'catalog-entity',
          }),
          resourceRef: `resource:default/${ENTITY}`,
        },
      ],
      expect.anything(),
    );
    const status = await request(server)
      .get(`${BASE}/status`)
      .set(as('user:default/ada'));
    expect(status.body.verify).toEqual([]);
  });

  it('answers the latest checks of many environments at once, and refuses what is not a reference', async () => {
    const server = await start();
    await request(server).post(`${BASE}/verify`).set(as('user:default/ada'));
    const latest = await request(server)
      .post('/api/scaffolder/pulumi-azure-oidc/environments/latest-checks')
      .set(as('user:default/eve'))
      .send({ environmentRefs: ['acme/payments/prod', 'acme/payments/dev'] });
    expect(latest.status).toBe(200);
    expect(Object.keys(latest.body)).toEqual(['acme/payments/prod']);
    expect(latest.body['acme/payments/prod'].verify).toMatchObject({
      kind: 'verify',
      status: 'incomplete',
    });

    const bad = await request(server)
      .post('/api/scaffolder/pulumi-azure-oidc/environments/latest-checks')
      .set(as('user:default/eve'))
      .send({ environmentRefs: ['acme/../etc'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "environmentRefs must be at most 500 references 'organization/project/environment'",
    );
  });
});
