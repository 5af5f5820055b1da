/**
 * What the repository's configuration files promise about exposure: the
 * development portal (guest sign-in, the developer's own `az login`) is
 * reachable from this machine only, and production never signs in guests.
 */
import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import { ConfigReader } from '@backstage/config';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { backendDir } from './__testUtils__/portalBackend';

/** A configuration file of the repository, its `${…}` filled in. */
function repositoryFile(name: string, variables: Record<string, string> = {}) {
  const text = readFileSync(resolve(backendDir, '../..', name), 'utf8');
  return parse(
    text.replace(/\$\{(\w+)\}/g, (_, variable) => {
      if (!(variable in variables)) throw new Error(`no value for ${variable}`);
      return variables[variable];
    }),
  );
}

const PRODUCTION_VARIABLES = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_SECRET: 'not-a-real-secret',
  POSTGRES_HOST: 'db',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'portal',
  POSTGRES_PASSWORD: 'not-a-real-password',
  PORTAL_ADMIN_GROUP: 'group:default/platform-team',
  PULUMI_ORGANIZATION: 'acme',
  PULUMI_ACCESS_TOKEN: 'not-a-real-token',
  AZURE_TENANT_ID: '99999999-8888-7777-6666-555555555555',
  AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  AZURE_FEDERATED_TOKEN_FILE:
    '/var/run/secrets/azure/tokens/azure-identity-token',
};

const development = () => repositoryFile('app-config.yaml');

/**
 * The production configuration layered on app-config.yaml as the backend
 * loads it (Backstage's config loader, which refuses layers that disagree
 * on a key's type), `${…}` filled in.
 */
async function production() {
  const source = ConfigSources.merge(
    ['app-config.yaml', 'app-config.production.yaml'].map(name =>
      FileConfigSource.create({
        path: resolve(backendDir, '../..', name),
        watch: false,
        substitutionFunc: async variable =>
          (PRODUCTION_VARIABLES as Record<string, string>)[variable],
      }),
    ),
  );
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}

describe('where the portal listens', () => {
  it('listens on loopback only in development', () => {
    const config = new ConfigReader(development());
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '127.0.0.1',
      port: 7007,
    });
    // The frontend's dev server binds the host of app.baseUrl unless told.
    expect(config.getOptionalString('app.listen.host')).toBeUndefined();
    expect(new URL(config.getString('app.baseUrl')).hostname).toBe('localhost');
  });

  it('listens on every interface in production, as containers and probes need', async () => {
    const config = await production();
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '',
      port: 7007,
    });
  });
});

describe('guest sign-in', () => {
  const previousNodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = previousNodeEnv;
  });

  /** Starts auth with the guest provider as `NODE_ENV` says, and asks for a session. */
  async function guestSession(nodeEnv: string) {
    process.env.NODE_ENV = nodeEnv;
    const { backend: _backend, ...data } = (await production()).get<any>();
    const backend = await startTestBackend({
      features: [
        authPlugin,
        guestAuthProvider,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    try {
      const response = await fetch(
        `http://localhost:${backend.server.port()}/api/auth/guest/refresh`,
        { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
      );
      return { status: response.status, body: await response.text() };
    } finally {
      await backend.stop();
    }
  }

  it('is refused with the production configuration layered on', async () => {
    const session = await guestSession('production');
    expect(session.status).toBe(403);
    expect(session.body).toContain(
      'The guest provider cannot be used outside of a development environment',
    );
  });

  it('works with the same configuration in development, so the refusal is production’s', async () => {
    const session = await guestSession('development');
    expect(session.status).toBe(200);
    expect(JSON.parse(session.body).backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/guest',
    });
  });
});
