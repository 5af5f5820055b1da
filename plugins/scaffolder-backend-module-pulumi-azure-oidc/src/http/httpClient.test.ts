import {
  httpServer,
  Loopback,
  refusedPort,
  untrustedHttpsServer,
} from '@esc-azure-oidc/test-utils';
import {
  HttpClient,
  ServiceCall,
  ServiceRequestError,
  ServiceUnreachableError,
} from './httpClient';

const read = (url: string): ServiceCall => ({
  service: 'Pulumi Cloud',
  operation: 'reading the ESC environment acme/payments/prod',
  method: 'GET',
  url,
  urlSetting: 'pulumiAzureOidc.pulumiCloud.apiUrl',
  credentialSetting: 'pulumiAzureOidc.pulumiCloud.accessToken',
});

const NO_PROXY_CHECK =
  'HTTPS_PROXY and NO_PROXY, if the backend reaches services through a proxy';

describe('HttpClient', () => {
  const servers: Loopback[] = [];
  const waits: number[] = [];
  const client = (timeoutSeconds = 5) =>
    new HttpClient({
      timeoutSeconds,
      retries: 2,
      sleep: async milliseconds => {
        waits.push(milliseconds);
      },
    });
  const serve = async (server: Promise<Loopback>) => {
    servers.push(await server);
    return servers[servers.length - 1];
  };
  const savedEnv = { ...process.env };

  beforeEach(() => {
    waits.length = 0;
    for (const name of [
      'HTTPS_PROXY',
      'https_proxy',
      'HTTP_PROXY',
      'http_proxy',
    ]) {
      delete process.env[name];
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.close()));
    process.env = { ...savedEnv };
  });

  it('says the connection was refused, and what to check, after retrying the read', async () => {
    const port = await refusedPort();
    const call = client().request(read(`http://127.0.0.1:${port}/api`));
    await expect(call).rejects.toThrow(ServiceUnreachableError);
    await expect(call).rejects.toThrow(
      `Could not reach Pulumi Cloud at http://127.0.0.1:${port} while reading the ESC environment acme/payments/prod: ` +
        `the connection to 127.0.0.1:${port} was refused. ` +
        `Check the backend's network and firewall; ${NO_PROXY_CHECK}; pulumiAzureOidc.pulumiCloud.apiUrl.`,
    );
    expect(waits).toHaveLength(2);
  });

  it('says a host name could not be resolved', async () => {
    await expect(
      client().request(read('http://nothing.invalid/api')),
    ).rejects.toThrow(
      'Could not reach Pulumi Cloud at http://nothing.invalid while reading the ESC environment acme/payments/prod: ' +
        'the host name nothing.invalid could not be resolved (DNS). ' +
        `Check the backend's DNS; ${NO_PROXY_CHECK}; pulumiAzureOidc.pulumiCloud.apiUrl.`,
    );
  });

  it('gives up on a server that never answers, after the configured time', async () => {
    const silent = await serve(httpServer(() => {}));
    await expect(
      client(0.2).request(read(`${silent.url}/api`)),
    ).rejects.toThrow(
      `Could not reach Pulumi Cloud at ${silent.url} while reading the ESC environment acme/payments/prod: ` +
        `127.0.0.1:${silent.port} did not answer within 0.2 s. ` +
        `Check the backend's network and firewall; ${NO_PROXY_CHECK}; pulumiAzureOidc.network.timeoutSeconds; pulumiAzureOidc.pulumiCloud.apiUrl.`,
    );
  });

  it('says a TLS certificate is not trusted, and where to add a certificate authority', async () => {
    const tls = await serve(
      untrustedHttpsServer((_request, response) => response.end('{}')),
    );
    await expect(client().request(read(`${tls.url}/api`))).rejects.toThrow(
      `Could not reach Pulumi Cloud at ${tls.url} while reading the ESC environment acme/payments/prod: ` +
        `the TLS certificate of 127.0.0.1:${tls.port} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT). ` +
        'Check NODE_EXTRA_CA_CERTS, if your network inspects TLS with its own certificate authority; pulumiAzureOidc.pulumiCloud.apiUrl.',
    );
  });

  it('retries a read that was throttled, after the time the service asked for', async () => {
    let calls = 0;
    const throttled = await serve(
      httpServer((_request, response) => {
        calls += 1;
        if (calls === 1) {
          response.writeHead(429, { 'Retry-After': '2' }).end('slow down');
        } else {
          response.end('values: {}\n');
        }
      }),
    );
    const response = await client().request(read(`${throttled.url}/api`));
    expect(response.status).toBe(200);
    expect(response.body).toBe('values: {}\n');
    expect(waits).toEqual([2000]);
  });

  it("quotes Pulumi Cloud's own error message once retries are spent", async () => {
    const failing = await serve(
      httpServer((_request, response) =>
        response.writeHead(500, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({
            code: 500,
            message: 'Internal Server Error: database unavailable',
          }),
        ),
      ),
    );
    const call = client().request(read(`${failing.url}/api`));
    await expect(call).rejects.toThrow(ServiceRequestError);
    await expect(call).rejects.toThrow(
      `Pulumi Cloud (${failing.url}) answered 500 while reading the ESC environment acme/payments/prod: Internal Server Error: database unavailable.`,
    );
    expect(waits).toHaveLength(2);
  });

  it('never sends a write twice', async () => {
    let calls = 0;
    const failing = await serve(
      httpServer((_request, response) => {
        calls += 1;
        response.writeHead(503).end();
      }),
    );
    await expect(
      client().request({
        ...read(`${failing.url}/api`),
        method: 'PATCH',
        operation: 'updating the ESC environment acme/payments/prod',
        body: 'values: {}',
      }),
    ).rejects.toThrow(
      `Pulumi Cloud (${failing.url}) answered 503 while updating the ESC environment acme/payments/prod.`,
    );
    expect(calls).toBe(1);
  });

  it('returns statuses the caller handles, and names the credentials setting on 401 and 403', async () => {
    const server = await serve(
      httpServer((request, response) =>
        response
          .writeHead(request.url === '/missing' ? 404 : 403)
          .end(JSON.stringify({ code: 403, message: 'forbidden' })),
      ),
    );
    await expect(
      client().request({ ...read(`${server.url}/missing`), accept: [404] }),
    ).resolves.toMatchObject({ status: 404 });
    await expect(client().request(read(`${server.url}/api`))).rejects.toThrow(
      `Pulumi Cloud (${server.url}) answered 403 while reading the ESC environment acme/payments/prod: forbidden. Check pulumiAzureOidc.pulumiCloud.accessToken.`,
    );
  });

  it('stops at once when the task is cancelled, without calling it a network failure', async () => {
    const silent = await serve(httpServer(() => {}));
    const controller = new AbortController();
    const call = client().request({
      ...read(`${silent.url}/api`),
      signal: controller.signal,
    });
    controller.abort(new Error('cancelled by the user'));
    await expect(call).rejects.toThrow('cancelled by the user');
    expect(waits).toEqual([]);
  });
});
