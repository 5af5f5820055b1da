/**
 * Who may call the module's routes at all: the running module behind the
 * backend's own HTTP router and its credentials barrier. Requests carry no
 * Authorization header, a header naming nobody, or a token that does not
 * verify; the mock HTTP auth service treats a request without credentials
 * as a real backend does (`mockCredentials.none()`), instead of as the
 * mock user it assumes by default.
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
import { startModuleWithEnvironment } from '../__testUtils__/environmentModule';

const SCAFFOLDER = '/api/scaffolder/pulumi-azure-oidc';
const ENVIRONMENT = `${SCAFFOLDER}/environments/acme/payments/prod`;

/** Each route of the module, as the portal calls it. */
const ROUTES: Array<{
  name: string;
  send(server: request.Agent): request.Test;
}> = [
  {
    name: `GET ${SCAFFOLDER}/options`,
    send: agent => agent.get(`${SCAFFOLDER}/options`),
  },
  {
    name: `GET ${ENVIRONMENT}/status`,
    send: agent => agent.get(`${ENVIRONMENT}/status`),
  },
  {
    name: `POST ${ENVIRONMENT}/verify`,
    send: agent => agent.post(`${ENVIRONMENT}/verify`),
  },
  {
    name: `POST ${SCAFFOLDER}/environments/latest-checks`,
    send: agent =>
      agent
        .post(`${SCAFFOLDER}/environments/latest-checks`)
        .send({ environmentRefs: ['acme/payments/prod'] }),
  },
];

describe('the module’s routes', () => {
  const dir = createMockDirectory();
  let engine: ReturnType<typeof engineMock>;

  async function start(httpAuth: ServiceFactory) {
    engine = engineMock();
    return request(
      await startModuleWithEnvironment({
        dataDirectory: dir.path,
        engine,
        services: [
          httpAuth,
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      }),
    );
  }

  /** As a real backend: no credentials, no caller. */
  const noDefaultCaller = () =>
    mockServices.httpAuth.factory({
      defaultCredentials: mockCredentials.none(),
    });

  it.each(ROUTES.map(route => [route.name, route]))(
    'refuses %s without an Authorization header, with 401',
    async (_, route) => {
      const agent = await start(noDefaultCaller());
      const response = await route.send(agent);
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        name: 'AuthenticationError',
      });
      // Nothing of the environment was read or run.
      expect(engine.outputs).not.toHaveBeenCalled();
      expect(engine.refresh).not.toHaveBeenCalled();
    },
  );

  it.each(ROUTES.map(route => [route.name, route]))(
    'refuses %s with credentials that name nobody or do not verify, with 401',
    async (_, route) => {
      const agent = await start(mockServices.httpAuth.factory());
      for (const authorization of [
        mockCredentials.none.header(),
        'Bearer not-a-token',
        mockCredentials.user.invalidHeader(),
      ]) {
        const response = await route
          .send(agent)
          .set({ Authorization: authorization });
        expect({ authorization, status: response.status }).toEqual({
          authorization,
          status: 401,
        });
      }
      expect(engine.outputs).not.toHaveBeenCalled();
    },
  );

  it.each(ROUTES.map(route => [route.name, route]))(
    'serves %s to a signed-in user on the same backend',
    async (_, route) => {
      // The control: the refusals above are the barrier's, not a broken setup.
      const agent = await start(noDefaultCaller());
      const response = await route.send(agent).set({
        Authorization: mockCredentials.user.header('user:default/ada'),
      });
      expect(response.status).toBe(200);
    },
  );
});
