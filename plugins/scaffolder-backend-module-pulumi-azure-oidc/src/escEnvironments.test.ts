import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { PulumiCloudEscEnvironments } from './escEnvironments';

type Seen = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
};

/** A stand-in for Pulumi Cloud's ESC API, on localhost. */
function pulumiCloud(
  routes: Record<string, { status: number; body?: string }>,
) {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', chunk => (body += chunk));
    request.on('end', () => {
      seen.push({
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body,
      });
      const route = routes[`${request.method} ${request.url}`] ?? {
        status: 500,
        body: 'unexpected',
      };
      response.writeHead(route.status).end(route.body ?? '');
    });
  });
  return new Promise<{ apiUrl: string; seen: Seen[]; close: () => void }>(
    resolve =>
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          apiUrl: `http://127.0.0.1:${port}/`,
          seen,
          close: () => server.close(),
        });
      }),
  );
}

const environment = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod.v2',
};
const ENV = '/api/esc/environments/acme/payments/prod.v2';
const yaml = 'values:\n  azure: {}\n';

describe('PulumiCloudEscEnvironments', () => {
  const withCloud = async (
    routes: Record<string, { status: number; body?: string }>,
    check: (
      cloud: Awaited<ReturnType<typeof pulumiCloud>>,
      client: PulumiCloudEscEnvironments,
    ) => Promise<void>,
  ) => {
    const cloud = await pulumiCloud(routes);
    try {
      await check(
        cloud,
        new PulumiCloudEscEnvironments({
          apiUrl: cloud.apiUrl,
          accessToken: 'pul-token',
        }),
      );
    } finally {
      cloud.close();
    }
  };

  it('creates a missing environment, then sets its definition', () =>
    withCloud(
      {
        [`GET ${ENV}`]: { status: 404 },
        'POST /api/esc/environments/acme': { status: 200 },
        [`PATCH ${ENV}`]: { status: 200 },
      },
      async (cloud, client) => {
        await expect(client.createOrUpdate(environment, yaml)).resolves.toBe(
          'created',
        );
        expect(cloud.seen.map(r => `${r.method} ${r.url}`)).toEqual([
          `GET ${ENV}`,
          'POST /api/esc/environments/acme',
          `PATCH ${ENV}`,
        ]);
        const [, create, update] = cloud.seen;
        expect(JSON.parse(create.body)).toEqual({
          project: 'payments',
          name: 'prod.v2',
        });
        expect(create.headers['content-type']).toBe('application/json');
        expect(update.body).toBe(yaml);
        expect(update.headers['content-type']).toBe('application/x-yaml');
        for (const request of cloud.seen) {
          expect(request.headers.authorization).toBe('token pul-token');
          expect(request.headers.accept).toBe('application/vnd.pulumi+8');
        }
      },
    ));

  it('leaves an environment that already says the same alone', () =>
    withCloud(
      { [`GET ${ENV}`]: { status: 200, body: yaml } },
      async (cloud, client) => {
        await expect(client.createOrUpdate(environment, yaml)).resolves.toBe(
          'unchanged',
        );
        expect(cloud.seen).toHaveLength(1);
      },
    ));

  it('replaces the definition of an environment that says something else', () =>
    withCloud(
      {
        [`GET ${ENV}`]: { status: 200, body: 'values: {}\n' },
        [`PATCH ${ENV}`]: { status: 200 },
      },
      async (cloud, client) => {
        await expect(client.createOrUpdate(environment, yaml)).resolves.toBe(
          'updated',
        );
        expect(cloud.seen.map(r => r.method)).toEqual(['GET', 'PATCH']);
      },
    ));

  it('adopts an environment created in the meantime', () =>
    withCloud(
      {
        [`GET ${ENV}`]: { status: 404 },
        'POST /api/esc/environments/acme': {
          status: 409,
          body: 'already exists',
        },
        [`PATCH ${ENV}`]: { status: 200 },
      },
      async (_cloud, client) => {
        await expect(client.createOrUpdate(environment, yaml)).resolves.toBe(
          'created',
        );
      },
    ));

  it.each([
    [
      { [`GET ${ENV}`]: { status: 403, body: 'forbidden' } },
      'Pulumi Cloud refused to read the ESC environment acme/payments/prod.v2: 403 forbidden',
    ],
    [
      {
        [`GET ${ENV}`]: { status: 404 },
        'POST /api/esc/environments/acme': { status: 400, body: 'bad name' },
      },
      'Pulumi Cloud refused to create the ESC environment acme/payments/prod.v2: 400 bad name',
    ],
    [
      {
        [`GET ${ENV}`]: { status: 200, body: '' },
        [`PATCH ${ENV}`]: { status: 400, body: 'invalid definition' },
      },
      'Pulumi Cloud refused to update the ESC environment acme/payments/prod.v2: 400 invalid definition',
    ],
  ])('says what Pulumi Cloud refused', (routes, message) =>
    withCloud(routes, async (_cloud, client) => {
      await expect(client.createOrUpdate(environment, yaml)).rejects.toThrow(
        message,
      );
    }),
  );
});
