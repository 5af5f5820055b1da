/**
 * A portal backend of its own for `yarn bench`: a child process on a free
 * port, an in-memory database and a data directory; ready when its health
 * route says so.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';

const backendDir = resolve(__dirname, '..');
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** How node starts the backend. */
export interface StartMode {
  name: string;
  node: readonly string[];
  env: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise(done => server.close(done));
  return port;
}

/** A backend of its own: port, in-memory database, data directory. */
export class Backend {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly directory: string,
  ) {}

  static async start(mode: StartMode, withGoldenPath: boolean) {
    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'portal-bench-'));
    const baseUrl = `http://127.0.0.1:${port}`;
    const overlay = join(directory, 'app-config.bench.yaml');
    writeFileSync(
      overlay,
      stringify({
        backend: {
          baseUrl,
          listen: { port, host: '127.0.0.1' },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        pulumiAzureOidc: { dataDirectory: join(directory, 'data') },
      }),
    );
    const started = performance.now();
    const { child } = await spawnBackend({
      node: [...mode.node, '--expose-gc'],
      args: [
        'dev/benchBackend.ts',
        ...(withGoldenPath ? [] : ['--without-golden-path']),
        '--config',
        '../../app-config.yaml',
        '--config',
        overlay,
      ],
      env: { ...process.env, NODE_ENV: mode.env },
      baseUrl,
      onFailure: () => rmSync(directory, { recursive: true, force: true }),
    });
    const backend = new Backend(child, baseUrl, directory);
    return { backend, startMilliseconds: performance.now() - started };
  }

  /** Resident memory after a full collection. */
  rss(): Promise<number> {
    return new Promise(resolveRss => {
      const listen = (message: { rss?: number }) => {
        if (message?.rss === undefined) return;
        this.child.off('message', listen);
        resolveRss(message.rss);
      };
      this.child.on('message', listen);
      this.child.send('rss');
    });
  }

  async stop() {
    const exited = new Promise(r => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/**
 * Starts a backend entry point of this package (with IPC) and waits until
 * its readiness route says so; kills it if it does not get there.
 */
export async function spawnBackend(options: {
  node: readonly string[];
  args: string[];
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  onFailure?: () => void;
}) {
  const child = spawn(process.execPath, [...options.node, ...options.args], {
    cwd: backendDir,
    env: options.env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const stderrTail = () => stderr;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      options.onFailure?.();
      throw new Error(`the backend exited while starting:\n${stderr}`);
    }
    const ready = await fetch(
      `${options.baseUrl}/.backstage/health/v1/readiness`,
    )
      .then(r => r.ok)
      .catch(() => false);
    if (ready) return { child, stderr: stderrTail };
    if (Date.now() > deadline) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      options.onFailure?.();
      throw new Error(`the backend did not get ready:\n${stderr}`);
    }
    await new Promise(r => setTimeout(r, 25));
  }
}

/** Signs in as the guest and runs templates' dry runs. */
export async function dryRunner(baseUrl: string) {
  const session = await (
    await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    })
  ).json();
  const token = session.backstageIdentity.token as string;
  const template = (step: object) => ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'bench', namespace: 'default' },
    spec: {
      owner: 'group:default/platform-team',
      type: 'bench',
      steps: [step],
    },
  });
  const templates = {
    provision: template({
      id: 'provision',
      action: 'pulumi:azureOidc:provision',
      input: {
        project: 'bench',
        environment: 'prod',
        subscriptionId: SUBSCRIPTION,
        roleAssignments: [
          { role: 'Reader' },
          { role: 'Contributor', scope: 'rg-bench' },
        ],
      },
    }),
    trivial: template({
      id: 'log',
      action: 'debug:log',
      input: { message: 'hello' },
    }),
  };
  return async (which: keyof typeof templates) => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        template: templates[which],
        values: {},
        secrets: {},
        directoryContents: [],
      }),
    });
    const body = await response.json();
    const elapsed = performance.now() - started;
    const failed = body.steps?.some?.((s: { status: string }) =>
      ['failed', 'cancelled'].includes(s.status),
    );
    if (!response.ok || failed) {
      throw new Error(
        `the ${which} dry run failed (${response.status}): ${JSON.stringify(
          body.error ?? body.log?.slice(-3),
        )}`,
      );
    }
    return elapsed;
  };
}
