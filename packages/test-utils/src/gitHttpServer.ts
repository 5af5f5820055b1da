/**
 * Git repositories served over smart HTTP on 127.0.0.1 by git's own
 * `git http-backend`, behind HTTP Basic authentication, to test what a
 * client clones and pushes without a git host.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`. */
  host: string;
  /** The password of every request that carried one. */
  passwords: string[];
  /** Pushes accepted so far. */
  pushes: number;
  /** Runs `change` when the next push begins, as another writer would. */
  beforeNextPush(change: () => void): void;
  /** Commits `files` to `branch`, as someone else would. */
  commit(path: string, branch: string, files: Record<string, string>): void;
  /** Makes a bare repository at `path` (URL path), with `files` committed on `branch`. */
  createRepository(
    path: string,
    branch: string,
    files: Record<string, string>,
  ): void;
  /** A file's content on a branch, or undefined when it does not exist. */
  show(path: string, branch: string, file: string): string | undefined;
  close(): Promise<void>;
}

/**
 * Serves bare repositories under `root`, at their path; requests without
 * the password `password` get 401, as a git host asks for credentials.
 */
export async function gitHttpServer(
  root: string,
  password: string,
): Promise<GitHttpServer> {
  const state = {
    passwords: [] as string[],
    pushes: 0,
    beforePush: undefined as (() => void) | undefined,
  };
  const repositoryDir = (path: string) => join(root, ...path.split('/'));

  const server = createServer(
    (request: IncomingMessage, response: ServerResponse) => {
      const given = basicPassword(request.headers.authorization);
      if (given !== undefined) state.passwords.push(given);
      if (given !== password) {
        response.writeHead(401, {
          'WWW-Authenticate': 'Basic realm="git"',
        });
        response.end();
        return;
      }
      const url = new URL(request.url!, 'http://localhost');
      if (url.searchParams.get('service') === 'git-receive-pack') {
        const change = state.beforePush;
        state.beforePush = undefined;
        change?.();
      }
      if (url.pathname.endsWith('/git-receive-pack')) state.pushes++;
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH,
          GIT_PROJECT_ROOT: root,
          GIT_HTTP_EXPORT_ALL: '1',
          REQUEST_METHOD: request.method,
          PATH_INFO: decodeURIComponent(url.pathname),
          QUERY_STRING: url.search.slice(1),
          CONTENT_TYPE: request.headers['content-type'] ?? '',
          REMOTE_USER: 'portal',
          REMOTE_ADDR: '127.0.0.1',
          HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
        },
      });
      request.pipe(cgi.stdin);
      relayCgiResponse(cgi.stdout, response);
    },
  );
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });

  /** Commits files to a branch through a scratch clone. */
  const commit = (
    path: string,
    branch: string,
    files: Record<string, string>,
  ) => {
    const bare = repositoryDir(path);
    const work = mkdtempSync(join(tmpdir(), 'git-work-'));
    try {
      execFileSync('git', ['clone', '--quiet', bare, work], {
        stdio: 'ignore',
      });
      git(work, 'checkout', '--quiet', '-B', branch);
      for (const [file, content] of Object.entries(files)) {
        const target = join(work, ...file.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      git(work, 'add', '.');
      git(
        work,
        '-c',
        'user.name=Platform team',
        '-c',
        'user.email=platform@example.com',
        'commit',
        '--quiet',
        '-m',
        'catalog',
      );
      git(work, 'push', '--quiet', 'origin', branch);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get passwords() {
      return state.passwords;
    },
    get pushes() {
      return state.pushes;
    },
    beforeNextPush(change) {
      state.beforePush = change;
    },
    createRepository(path, branch, files) {
      const bare = repositoryDir(path);
      mkdirSync(bare, { recursive: true });
      git(bare, 'init', '--quiet', '--bare', `--initial-branch=${branch}`);
      git(bare, 'config', 'http.receivepack', 'true');
      commit(path, branch, files);
    },
    commit,
    show(path, branch, file) {
      try {
        return git(repositoryDir(path), 'show', `${branch}:${file}`);
      } catch {
        return undefined;
      }
    },
    close: () => new Promise<void>(done => server.close(() => done())),
  };
}

function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** A CGI response: headers (with `Status:`) up to a blank line, then the body. */
function relayCgiResponse(
  output: NodeJS.ReadableStream,
  response: ServerResponse,
) {
  let head = Buffer.alloc(0);
  let headersSent = false;
  output.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    headersSent = true;
    response.write(head.subarray(end + 4));
  });
  output.on('end', () => response.end());
}
