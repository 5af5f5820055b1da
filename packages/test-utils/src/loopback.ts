/**
 * Servers on 127.0.0.1 for tests of what crosses the network: plain HTTP,
 * HTTPS with a certificate nobody trusts, a port nobody listens on, and a
 * small forward proxy (CONNECT tunnels and absolute-form requests) that
 * records what went through it.
 */
import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { AddressInfo, connect, Socket } from 'node:net';
import { generate } from 'selfsigned';

export type Handler = (
  request: IncomingMessage & { body: string },
  response: ServerResponse,
) => void;

export interface Loopback {
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, scheme: string): Promise<Loopback> {
  const sockets = new Set<Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>(done => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

function withBody(handler: Handler) {
  return (request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', chunk => (body += chunk));
    request.on('end', () =>
      handler(Object.assign(request, { body }), response),
    );
  };
}

export function httpServer(handler: Handler): Promise<Loopback> {
  return listen(createServer(withBody(handler)), 'http');
}

/**
 * HTTPS with a freshly generated, self-signed certificate for 127.0.0.1,
 * which nothing trusts unless a test adds `certificate` to its trust store.
 */
export async function untrustedHttpsServer(
  handler: Handler,
): Promise<Loopback & { certificate: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    extensions: [
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const server = await listen(
    createTlsServer({ key: pems.private, cert: pems.cert }, withBody(handler)),
    'https',
  );
  return { ...server, certificate: pems.cert };
}

/** A port that was just free, so that connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = await httpServer(() => {});
  await server.close();
  return server.port;
}

export interface RecordingProxy extends Loopback {
  /** `CONNECT host:port` and `GET http://…` lines, in order. */
  seen: string[];
}

/**
 * A forward proxy. `refuse` makes it answer CONNECT with that status, as a
 * proxy does for a host it does not allow.
 */
export async function forwardProxy(
  options: { refuse?: number } = {},
): Promise<RecordingProxy> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    // Absolute-form requests, for http:// targets.
    seen.push(`${request.method} ${request.url}`);
    const target = new URL(request.url!);
    const upstream = httpRequest(
      target,
      { method: request.method, headers: request.headers },
      answer => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  server.on('connect', (request: IncomingMessage, client: Socket) => {
    seen.push(`CONNECT ${request.url}`);
    if (options.refuse) {
      client.end(`HTTP/1.1 ${options.refuse} Forbidden\r\n\r\n`);
      return;
    }
    const [host, port] = request.url!.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return Object.assign(await listen(server, 'http'), { seen });
}
