import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { PulumiCloudEscEnvironments } from './escEnvironments';
import { HttpClient } from './http/httpClient';

type Seen = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
};

const ENV = '/api/esc/environments/acme/payments/prod.v2';
const CREATE = '/api/esc/environments/acme';

/**
 * A stand-in for Pulumi Cloud's ESC API on localhost, holding one
 * environment as Pulumi's own ESC client expects it to: GET answers the
 * definition and its ETag, POST creates an empty one (409 if it exists),
 * PATCH replaces it when the request's ETag names the latest revision (409
 * otherwise). `fail` answers a request with a status instead.
 */
function pulumiCloud(
  initial?: string,
  fail: Record<string, { status: number; body: string }> = {},
) {
  const state = { yaml: initial, revision: initial === undefined ? 0 : 1 };
  const tag = () => `env-id/${state.revision}`;
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
      const route = `${request.method} ${request.url}`;
      const answer = (status: number, text = '', headers = {}) =>
        response.writeHead(status, headers).end(text);
      if (fail[route]) {
        answer(fail[route].status, fail[route].body);
      } else if (route === `GET ${ENV}`) {
        if (state.yaml === undefined) answer(404, 'not found');
        else answer(200, state.yaml, { ETag: tag() });
      } else if (route === `POST ${CREATE}`) {
        if (state.yaml !== undefined) answer(409, 'already exists');
        else {
          state.yaml = '';
          state.revision = 1;
          answer(200, '{}');
        }
      } else if (route === `PATCH ${ENV}`) {
        if (state.yaml === undefined) answer(404, 'not found');
        else if (request.headers.etag !== tag()) answer(409, 'conflict');
        else {
          state.yaml = body;
          state.revision += 1;
          answer(200, '{}');
        }
      } else {
        answer(500, 'unexpected');
      }
    });
  });
  return new Promise<{
    apiUrl: string;
    seen: Seen[];
    state: typeof state;
    close: () => void;
  }>(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        apiUrl: `http://127.0.0.1:${port}/`,
        seen,
        state,
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
const yaml = '# Managed by the portal\nvalues:\n  azure: {}\n';

describe('PulumiCloudEscEnvironments', () => {
  const withCloud = async (
    cloud: Awaited<ReturnType<typeof pulumiCloud>>,
    check: (client: PulumiCloudEscEnvironments) => Promise<void>,
  ) => {
    try {
      await check(
        new PulumiCloudEscEnvironments({
          apiUrl: cloud.apiUrl,
          accessToken: 'pul-token',
          http: new HttpClient({
            timeoutSeconds: 5,
            retries: 0,
          }),
        }),
      );
    } finally {
      cloud.close();
    }
  };

  it('reads the definition and the tag that versions it', async () => {
    const cloud = await pulumiCloud('values: {}\n');
    await withCloud(cloud, async client => {
      await expect(client.read(environment)).resolves.toEqual({
        yaml: 'values: {}\n',
        etag: 'env-id/1',
      });
      expect(cloud.seen[0].headers.authorization).toBe('token pul-token');
      expect(cloud.seen[0].headers.accept).toBe('application/vnd.pulumi+8');
    });
  });

  it('reads a missing environment as undefined', async () => {
    await withCloud(await pulumiCloud(), async client => {
      await expect(client.read(environment)).resolves.toBeUndefined();
    });
  });

  it('creates a missing environment, then sets its definition over the new one', async () => {
    const cloud = await pulumiCloud();
    await withCloud(cloud, async client => {
      await expect(client.write(environment, yaml, undefined)).resolves.toBe(
        'created',
      );
      expect(cloud.state.yaml).toBe(yaml);
      expect(cloud.seen.map(r => `${r.method} ${r.url}`)).toEqual([
        `POST ${CREATE}`,
        `GET ${ENV}`,
        `PATCH ${ENV}`,
      ]);
      const [create, , update] = cloud.seen;
      expect(JSON.parse(create.body)).toEqual({
        project: 'payments',
        name: 'prod.v2',
      });
      expect(create.headers['content-type']).toBe('application/json');
      expect(update.headers['content-type']).toBe('application/x-yaml');
      expect(update.headers.etag).toBe('env-id/1');
      for (const request of cloud.seen) {
        expect(request.headers.authorization).toBe('token pul-token');
      }
    });
  });

  it('replaces a definition that is still the one read', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\nvalues: {}\n');
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      await expect(client.write(environment, yaml, current)).resolves.toBe(
        'updated',
      );
      expect(cloud.state).toEqual({ yaml, revision: 2 });
    });
  });

  it('leaves an environment that already says the same alone', async () => {
    const cloud = await pulumiCloud(yaml);
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      await expect(client.write(environment, yaml, current)).resolves.toBe(
        'unchanged',
      );
      expect(cloud.seen.map(r => r.method)).toEqual(['GET']);
    });
  });

  it('does not overwrite an edit made in Pulumi Cloud since the read', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\nvalues: {}\n');
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      // Someone edits the environment in the console meanwhile.
      cloud.state.yaml = '# Managed by the portal\nvalues: { mine: 1 }\n';
      cloud.state.revision += 1;
      await expect(client.write(environment, yaml, current)).rejects.toThrow(
        'The ESC environment acme/payments/prod.v2 was changed in Pulumi Cloud while this run provisioned its identity, so the portal did not write it. Run the template again.',
      );
      expect(cloud.state.yaml).toBe(
        '# Managed by the portal\nvalues: { mine: 1 }\n',
      );
    });
  });

  it('does not write an environment created by someone else since the read', async () => {
    const cloud = await pulumiCloud();
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      cloud.state.yaml = 'values: { theirs: 1 }\n';
      cloud.state.revision = 1;
      await expect(client.write(environment, yaml, current)).rejects.toThrow(
        "The ESC environment acme/payments/prod.v2 was created in Pulumi Cloud while this run provisioned its identity, or exists where this portal's token cannot read it, so the portal did not write it.",
      );
      expect(cloud.state.yaml).toBe('values: { theirs: 1 }\n');
    });
  });

  it('refuses to update what Pulumi Cloud returned without a tag', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\n');
    await withCloud(cloud, async client => {
      await expect(
        client.write(environment, yaml, { yaml: '# Managed by the portal\n' }),
      ).rejects.toThrow(
        'Pulumi Cloud returned the ESC environment acme/payments/prod.v2 without the tag (ETag) that versions it',
      );
      expect(cloud.seen).toHaveLength(0);
    });
  });

  it.each([
    [
      `GET ${ENV}`,
      { status: 403, body: 'forbidden' },
      (client: PulumiCloudEscEnvironments) => client.read(environment),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 403 while reading the ESC environment acme/payments/prod.v2: forbidden. Check pulumiAzureOidc.pulumiCloud.accessToken.',
    ],
    [
      `POST ${CREATE}`,
      { status: 400, body: 'bad name' },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, undefined),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 400 while creating the ESC environment acme/payments/prod.v2: bad name.',
    ],
    [
      `PATCH ${ENV}`,
      { status: 400, body: 'invalid definition' },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, undefined),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 400 while updating the ESC environment acme/payments/prod.v2: invalid definition.',
    ],
  ])(
    'says what Pulumi Cloud refused: %s',
    async (route, failure, call, message) => {
      const cloud = await pulumiCloud(undefined, { [route]: failure });
      const origin = new URL(cloud.apiUrl).origin;
      await withCloud(cloud, client =>
        expect(call(client)).rejects.toThrow(
          message.replace('http://127.0.0.1:PORT', origin),
        ),
      );
    },
  );
});
