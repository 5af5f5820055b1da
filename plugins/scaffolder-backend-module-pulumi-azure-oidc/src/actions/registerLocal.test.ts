import { mockCredentials } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPulumiAzureOidcRegisterLocalAction } from './registerLocal';

describe('pulumi:azureOidc:registerLocal', () => {
  const directory = '/srv/catalog';
  const target = '/srv/catalog/payments-prod/catalog-info.yaml';
  const input = {
    catalogInfoPath: target,
    entityRef: 'resource:default/payments-prod',
  };
  const credentials = mockCredentials.user('user:default/ada');

  const run = async (
    catalog: ReturnType<typeof catalogServiceMock.mock>,
    overrides: object = {},
    isDryRun = false,
  ) => {
    const ctx = {
      ...createMockActionContext({ input: { ...input, ...overrides } as any }),
      getInitiatorCredentials: async () => credentials,
      isDryRun,
    };
    await createPulumiAzureOidcRegisterLocalAction({
      catalog,
      directory,
    }).handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };

  it('registers the file as a location, as the user who ran the template', async () => {
    const catalog = catalogServiceMock.mock();
    const outputs = await run(catalog);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target },
      { credentials },
    );
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
    expect(outputs).toEqual({
      entityRef: 'resource:default/payments-prod',
      locationTarget: target,
    });
  });

  it('has the catalog read the file again when it is registered already', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async () => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'payments-prod',
          annotations: { 'backstage.io/managed-by-location': `file:${target}` },
        },
      }),
      addLocation: async () => {
        throw new ConflictError('Location already exists');
      },
    });
    await run(catalog);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      `location:default/${locationSpecToMetadataName({
        type: 'file',
        target,
      })}`,
      { credentials },
    );
  });

  it('refuses an entity the catalog has from elsewhere', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async () => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'payments-prod',
          annotations: {
            'backstage.io/managed-by-location':
              'url:https://github.com/acme/catalog/blob/main/x.yaml',
          },
        },
      }),
    });
    await expect(run(catalog)).rejects.toThrow(
      'The catalog already has resource:default/payments-prod from url:https://github.com/acme/catalog/blob/main/x.yaml; unregister it there before publishing it locally',
    );
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('passes on other failures', async () => {
    const catalog = catalogServiceMock.mock({
      addLocation: async () => {
        throw new Error('catalog unavailable');
      },
    });
    await expect(run(catalog)).rejects.toThrow('catalog unavailable');
  });

  it('touches nothing in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    const outputs = await run(catalog, {}, true);
    expect(outputs.locationTarget).toBe(target);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it.each([
    '/etc/passwd',
    '/srv/catalog/../secrets/catalog-info.yaml',
    '/srv/catalog-old/x/catalog-info.yaml',
    '/srv/catalog/{a,..}/catalog-info.yaml',
    '/srv/catalog/x/y/catalog-info.yaml',
    '/srv/catalog/payments-prod/other.yaml',
  ])(
    'refuses %s, which is not an entity file of the local catalog directory',
    async catalogInfoPath => {
      await expect(
        run(catalogServiceMock.mock(), { catalogInfoPath }),
      ).rejects.toThrow(
        `catalogInfoPath must be <entity name>/catalog-info.yaml inside the local catalog directory ${directory}`,
      );
    },
  );
});
