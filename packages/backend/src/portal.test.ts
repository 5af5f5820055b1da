import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { apiFeatures } from './features';

// The backend runs from packages/backend, which the catalog locations in
// app-config.yaml are relative to; the test resolves them the same way.
const backendDir = resolve(__dirname, '..');
const repoConfig = parse(
  readFileSync(resolve(backendDir, '../../app-config.yaml'), 'utf8'),
);
const catalogLocations = repoConfig.catalog.locations.map(
  (location: { target: string }) => ({
    ...location,
    target: resolve(backendDir, location.target),
  }),
);

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('the portal backend', () => {
  const dataDirectory = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl: string;
  let guestToken: string;

  async function call(method: string, path: string) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${guestToken}` },
    });
    return { status: response.status, body: await response.text() };
  }

  async function getJson(path: string) {
    const { status, body } = await call('GET', path);
    if (status !== 200)
      throw new Error(`GET ${path} answered ${status}: ${body}`);
    return JSON.parse(body);
  }

  async function findEntity(kind: string, name: string) {
    return eventually(async () => {
      const entities = await getJson(
        `/api/catalog/entities?filter=kind=${kind}`,
      );
      return entities.find((e: any) => e.metadata.name === name);
    });
  }

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        ...apiFeatures,
        // Real authentication, so the guest token and the permission round
        // trips are the ones a browser session goes through.
        authServiceFactory,
        httpAuthServiceFactory,
        userInfoServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            ...repoConfig,
            auth: {
              providers: {
                guest: {
                  ...repoConfig.auth.providers.guest,
                  // Jest runs with NODE_ENV=test.
                  dangerouslyAllowOutsideDevelopment: true,
                },
              },
            },
            catalog: { ...repoConfig.catalog, locations: catalogLocations },
            pulumiAzureOidc: {
              ...repoConfig.pulumiAzureOidc,
              dataDirectory: dataDirectory.path,
            },
          },
        }),
      ],
    });
    baseUrl = `http://localhost:${backend.server.port()}`;

    // The catalog must know the guest user before the guest can sign in.
    await eventually(async () => {
      const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      if (!response.ok) return undefined;
      const session = await response.json();
      if (session.backstageIdentity.identity.ownershipEntityRefs.length < 2) {
        return undefined;
      }
      guestToken = session.backstageIdentity.token;
      return session;
    });
  });

  afterAll(() => backend.stop());

  it('signs the guest in as the example user, with group ownership', async () => {
    const { status, body } = await call('GET', '/api/auth/v1/userinfo');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({
      claims: {
        sub: 'user:default/guest',
        ent: expect.arrayContaining(['group:default/payments-team']),
      },
    });
  });

  it('lists the scaffolder actions: ours, built-in ones and publishers', async () => {
    const actions: Array<{ id: string }> = await getJson(
      '/api/scaffolder/v2/actions',
    );
    expect(actions.map(a => a.id)).toEqual(
      expect.arrayContaining([
        'pulumi:azureOidc:provision',
        'catalog:register',
        'publish:github',
        'publish:azure',
      ]),
    );
  });

  it('loads the template from templates/ into the catalog', async () => {
    const template = await findEntity('Template', 'azure-esc-environment');
    expect(
      template.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(
      `file:${resolve(
        backendDir,
        '../../templates/azure-esc-environment/template.yaml',
      )}`,
    );
    expect(template.spec.owner).toBe('group:default/platform-team');
  });

  it('lets only owners unregister an entity', async () => {
    const template = await findEntity('Template', 'azure-esc-environment');
    const refused = await call(
      'DELETE',
      `/api/catalog/entities/by-uid/${template.metadata.uid}`,
    );
    expect(refused.status).toBe(403);

    const system = await findEntity('System', 'payments');
    const allowed = await call(
      'DELETE',
      `/api/catalog/entities/by-uid/${system.metadata.uid}`,
    );
    expect(allowed.status).toBe(204);
  });
});
