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
type Route = { status: number; body?: string; etag?: string };

function pulumiCloud(routes: Record<string, Route>) {
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
      response
        .writeHead(route.status, route.etag ? { ETag: route.etag } : {})
        .end(route.body ?? '');
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
    routes: Record<string, Route>,
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

  it('reads the definition and the tag that versions it', () =>
    withCloud(
      { [`GET ${ENV}`]: { status: 200, body: yaml, etag: 'e1/3' } },
      async (cloud, client) => {
        await expect(client.read(environment)).resolves.toEqual({
          yaml,
          etag: 'e1/3',
        });
        expect(cloud.seen[0].headers.authorization).toBe('token pul-token');
        expect(cloud.seen[0].headers.accept).toBe('application/vnd.pulumi+8');
      },
    ));

  it('reads a missing environment as undefined', () =>
    withCloud({ [`GET ${ENV}`]: { status: 404 } }, async (_cloud, client) => {
      await expect(client.read(environment)).resolves.toBeUndefined();
    }));

  it('creates a missing environment, then sets its definition', () =>
    withCloud(
      {
        'POST /api/esc/environments/acme': { status: 200 },
        [`PATCH ${ENV}`]: { status: 200 },
      },
      async (cloud, client) => {
        await expect(client.write(environment, yaml, undefined)).resolves.toBe(
          'created',
        );
        expect(cloud.seen.map(r => `${r.method} ${r.url}`)).toEqual([
          'POST /api/esc/environments/acme',
          `PATCH ${ENV}`,
        ]);
        const [create, update] = cloud.seen;
        expect(JSON.parse(create.body)).toEqual({
          project: 'payments',
          name: 'prod.v2',
        });
        expect(create.headers['content-type']).toBe('application/json');
        expect(update.body).toBe(yaml);
        expect(update.headers['content-type']).toBe('application/x-yaml');
        expect(update.headers.etag).toBeUndefined();
        for (const request of cloud.seen) {
          expect(request.headers.authorization).toBe('token pul-token');
        }
      },
    ));

  it('leaves an environment that already says the same alone', () =>
    withCloud({}, async (cloud, client) => {
      await expect(
        client.write(environment, yaml, { yaml, etag: 'e1/3' }),
      ).resolves.toBe('unchanged');
      expect(cloud.seen).toHaveLength(0);
    }));

  it('replaces a definition only if it is still the one read', () =>
    withCloud({ [`PATCH ${ENV}`]: { status: 200 } }, async (cloud, client) => {
      await expect(
        client.write(environment, yaml, { yaml: 'values: {}\n', etag: 'e1/3' }),
      ).resolves.toBe('updated');
      expect(cloud.seen.map(r => r.method)).toEqual(['PATCH']);
      expect(cloud.seen[0].headers.etag).toBe('e1/3');
    }));

  it.each([
    [
      'changed',
      { yaml: 'values: {}\n', etag: 'e1/3' },
      { [`PATCH ${ENV}`]: { status: 409, body: 'conflict' } },
      ['PATCH'],
      'The ESC environment acme/payments/prod.v2 was changed in Pulumi Cloud while this run provisioned its identity, so the portal did not write it. Run the template again.',
    ],
    [
      'created',
      undefined,
      {
        'POST /api/esc/environments/acme': {
          status: 409,
          body: 'already exists',
        },
      },
      // Someone else's environment now: its definition is not set.
      ['POST'],
      'The ESC environment acme/payments/prod.v2 was created in Pulumi Cloud while this run provisioned its identity, so the portal did not write it. Run the template again.',
    ],
  ])(
    'does not overwrite an environment %s in the meantime',
    (_, current, routes, methods, message) =>
      withCloud(routes, async (cloud, client) => {
        await expect(client.write(environment, yaml, current)).rejects.toThrow(
          message,
        );
        expect(cloud.seen.map(r => r.method)).toEqual(methods);
      }),
  );

  it.each([
    [
      { [`GET ${ENV}`]: { status: 403, body: 'forbidden' } },
      (client: PulumiCloudEscEnvironments) => client.read(environment),
      'Pulumi Cloud refused to read the ESC environment acme/payments/prod.v2: 403 forbidden',
    ],
    [
      { 'POST /api/esc/environments/acme': { status: 400, body: 'bad name' } },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, undefined),
      'Pulumi Cloud refused to create the ESC environment acme/payments/prod.v2: 400 bad name',
    ],
    [
      { [`PATCH ${ENV}`]: { status: 400, body: 'invalid definition' } },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, { yaml: '' }),
      'Pulumi Cloud refused to update the ESC environment acme/payments/prod.v2: 400 invalid definition',
    ],
  ])('says what Pulumi Cloud refused', (routes, call, message) =>
    withCloud(routes, async (_cloud, client) => {
      await expect(call(client)).rejects.toThrow(message);
    }),
  );
});
