#!/usr/bin/env node
/*
 * The built bundle starts, as Backstage's deployment guide runs it
 * (https://backstage.io/docs/deployment/docker#host-build): the repository
 * built, `skeleton.tar.gz` unpacked into an empty directory, production
 * dependencies installed from the committed lockfile, `bundle.tar.gz`
 * unpacked over them, and `node packages/backend` started with the
 * production configuration, NODE_ENV=production, against PostgreSQL.
 *
 * Needs PORTAL_TEST_POSTGRES_URL, as the PostgreSQL tests do; without it,
 * it says so and exits 0. `yarn test:all` runs it.
 */
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const {
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const url = process.env.PORTAL_TEST_POSTGRES_URL;

function run(command, args, options = {}) {
  process.stdout.write(`$ ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(probe, what, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** What the portal answered, and the check it fails if it answered otherwise. */
function expect(condition, message) {
  if (!condition) throw new Error(`bundle: ${message}`);
  process.stdout.write(`ok: ${message}\n`);
}

async function main() {
  if (!url) {
    process.stdout.write(
      'Skipped: the production bundle test, because PORTAL_TEST_POSTGRES_URL is unset (see the README)\n',
    );
    return;
  }
  const yarn = [
    join(root, '.yarn/releases', readdirSync(join(root, '.yarn/releases'))[0]),
  ];
  // The packages' type declarations, fresh: the build bundles them.
  rmSync(join(root, 'dist-types'), { recursive: true, force: true });
  run(process.execPath, [...yarn, 'tsc'], { cwd: root });
  run(process.execPath, [...yarn, 'build:all'], { cwd: root });

  const app = mkdtempSync(join(tmpdir(), 'portal-bundle-'));
  const server = new URL(url);
  const prefix = `portal_bundle_${randomBytes(4).toString('hex')}_`;
  let backend;
  try {
    // As the guide's Dockerfile: the skeleton, the lockfile, production
    // dependencies only; then the bundle, the configuration and templates.
    for (const file of [
      'yarn.lock',
      'package.json',
      '.yarnrc.yml',
      'backstage.json',
    ]) {
      cpSync(join(root, file), join(app, file));
    }
    cpSync(join(root, '.yarn/releases'), join(app, '.yarn/releases'), {
      recursive: true,
    });
    run('tar', [
      'xzf',
      join(root, 'packages/backend/dist/skeleton.tar.gz'),
      '-C',
      app,
    ]);
    run(
      process.execPath,
      [...yarn, 'workspaces', 'focus', '--all', '--production'],
      {
        cwd: app,
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    run('tar', [
      'xzf',
      join(root, 'packages/backend/dist/bundle.tar.gz'),
      '-C',
      app,
    ]);
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      cpSync(join(root, file), join(app, file));
    }
    cpSync(join(root, 'templates'), join(app, 'templates'), {
      recursive: true,
    });

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // Only what a deployment sets besides the environment: a port and a
    // database prefix of this test's.
    writeFileSync(
      join(app, 'app-config.test.yaml'),
      JSON.stringify({
        backend: { listen: { port }, database: { prefix } },
      }),
    );
    const secret = randomBytes(24).toString('base64');
    const tokenFile = join(app, 'azure-token');
    writeFileSync(tokenFile, 'not-a-token');
    const env = {
      PATH: process.env.PATH,
      HOME: app,
      NODE_ENV: 'production',
      APP_BASE_URL: baseUrl,
      BACKEND_SECRET: secret,
      POSTGRES_HOST: server.hostname,
      POSTGRES_PORT: server.port || '5432',
      POSTGRES_USER: decodeURIComponent(server.username),
      POSTGRES_PASSWORD: decodeURIComponent(server.password),
      PORTAL_ADMIN_GROUP: 'group:default/platform-team',
      PULUMI_ORGANIZATION: 'acme',
      PULUMI_ACCESS_TOKEN: 'pul-not-a-token',
      AZURE_TENANT_ID: '99999999-8888-7777-6666-555555555555',
      AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    };
    backend = spawn(
      process.execPath,
      [
        'packages/backend',
        '--config',
        'app-config.yaml',
        '--config',
        'app-config.production.yaml',
        '--config',
        'app-config.test.yaml',
      ],
      { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const exited = new Promise(r => backend.on('exit', r));
    await Promise.race([
      waitFor(
        async () =>
          (
            await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
          ).ok,
        'the backend to be ready',
      ),
      exited.then(code => {
        throw new Error(`the backend exited (${code}) before it was ready`);
      }),
    ]);
    expect(true, 'the backend answers on its readiness route');

    // Backend-to-backend auth keys: a legacy service token, signed with the
    // configured secret, is what callers without a user present.
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('backstage-server')
      .setExpirationTime('1h')
      .sign(Buffer.from(secret, 'base64'));
    const call = (path, headers = {}) =>
      fetch(`${baseUrl}${path}`, { headers });
    const asService = path => call(path, { Authorization: `Bearer ${token}` });

    const anonymous = await call('/api/scaffolder/v2/actions');
    expect(
      anonymous.status === 401,
      'a call without credentials is refused with 401',
    );
    const forged = await call('/api/scaffolder/v2/actions', {
      Authorization: `Bearer ${await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('backstage-server')
        .setExpirationTime('1h')
        .sign(randomBytes(24))}`,
    });
    expect(forged.status === 401, 'a token signed with another key is refused');

    const actions = await (
      await asService('/api/scaffolder/v2/actions')
    ).json();
    const ids = actions.map(action => action.id);
    for (const id of [
      'pulumi:azureOidc:provision',
      'pulumi:azureOidc:writeCatalogInfo',
      'pulumi:azureOidc:publish',
      'pulumi:azureOidc:verify',
      'pulumi:azureOidc:decommission',
    ]) {
      expect(ids.includes(id), `the action ${id} is registered`);
    }
    await waitFor(
      async () =>
        (
          await asService(
            '/api/catalog/entities/by-name/template/default/azure-esc-environment',
          )
        ).ok,
      'the template in the catalog',
    );
    expect(true, 'the template is in the catalog');

    const guest = await call('/api/auth/guest/refresh', {
      'X-Requested-With': 'XMLHttpRequest',
    });
    const guestBody = await guest.text();
    expect(
      guest.status === 403 &&
        guestBody.includes('outside of a development environment'),
      'guest sign-in is refused',
    );

    const page = await call('/');
    const html = await page.text();
    expect(
      page.ok && html.includes('<div id="root">'),
      'the frontend is served by the backend',
    );
  } finally {
    if (backend && backend.exitCode === null) {
      const exited = new Promise(r => backend.on('exit', r));
      backend.kill('SIGTERM');
      await exited;
    }
    rmSync(app, { recursive: true, force: true });
    await dropDatabases(server, prefix);
  }
}

/** The databases the backend made under this test's prefix. */
async function dropDatabases(server, prefix) {
  const { Client } = require('pg');
  const client = new Client({
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
