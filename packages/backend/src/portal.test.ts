import { createMockDirectory } from '@backstage/backend-test-utils';
import { resolve } from 'node:path';
import { apiFeatures } from './features';
import {
  backendDir,
  eventually,
  repositoryConfig,
  startPortalBackend,
  withGuestOutsideDevelopment,
} from './__testUtils__/portalBackend';

describe('the portal backend', () => {
  const dataDirectory = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startPortalBackend>>;

  const findEntity = (kind: string, name: string) =>
    eventually(async () => {
      const entities = await portal.getJson(
        `/api/catalog/entities?filter=kind=${kind}`,
      );
      return entities.find((e: any) => e.metadata.name === name);
    });

  beforeAll(async () => {
    const config = repositoryConfig();
    portal = await startPortalBackend(
      apiFeatures,
      withGuestOutsideDevelopment({
        ...config,
        pulumiAzureOidc: {
          ...config.pulumiAzureOidc,
          dataDirectory: dataDirectory.path,
        },
      }),
    );
  });

  afterAll(() => portal.stop());

  it('signs the guest in as the example user, with group ownership', async () => {
    expect(await portal.getJson('/api/auth/v1/userinfo')).toMatchObject({
      claims: {
        sub: 'user:default/guest',
        ent: expect.arrayContaining(['group:default/payments-team']),
      },
    });
  });

  it('lists the scaffolder actions: ours and the built-in ones', async () => {
    const actions: Array<{ id: string }> = await portal.getJson(
      '/api/scaffolder/v2/actions',
    );
    expect(actions.map(a => a.id)).toEqual(
      expect.arrayContaining([
        'pulumi:azureOidc:provision',
        'pulumi:azureOidc:writeCatalogInfo',
        'pulumi:azureOidc:publish',
        'pulumi:azureOidc:verify',
        'pulumi:azureOidc:decommission',
        'catalog:register',
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
    const refused = await portal.call(
      'DELETE',
      `/api/catalog/entities/by-uid/${template.metadata.uid}`,
    );
    expect(refused.status).toBe(403);

    const system = await findEntity('System', 'payments');
    const allowed = await portal.call(
      'DELETE',
      `/api/catalog/entities/by-uid/${system.metadata.uid}`,
    );
    expect(allowed.status).toBe(204);
  });

  it('keeps removing locations, and what they hold, to the portal admins', async () => {
    const registered = await portal.call('POST', '/api/catalog/locations', {
      type: 'file',
      target: dataDirectory.resolve('catalog/someone/catalog-info.yaml'),
    });
    expect(registered.status).toBe(201);
    const refused = await portal.call(
      'DELETE',
      `/api/catalog/locations/${registered.body.location.id}`,
    );
    expect(refused.status).toBe(403);
  });
});
