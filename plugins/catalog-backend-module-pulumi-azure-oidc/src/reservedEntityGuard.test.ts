import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  LocationSpec,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import { ReservedEntityGuard } from './reservedEntityGuard';

/** A repository whose every file holds `yaml`. */
const readerOf = (yaml: string) => ({
  readUrl: jest.fn(),
  readTree: jest.fn(),
  search: jest.fn(async (url: string) => ({
    files: [{ url, content: async () => Buffer.from(yaml) }],
    etag: 'etag-1',
  })),
});

const guardWith = (reader = readerOf('')) =>
  new ReservedEntityGuard(
    {
      localCatalogDirectory: '/srv/portal/catalog',
      catalogRepositoryUrl: 'https://github.com/acme/catalog',
    },
    { reader, logger: mockServices.logger.mock() },
  );
const guard = guardWith();

/** What reading `location` emits, as the catalog would parse it. */
async function read(
  reader: ReturnType<typeof readerOf>,
  location: LocationSpec,
) {
  const emitted: CatalogProcessorResult[] = [];
  const handled = await guardWith(reader).readLocation(
    location,
    false,
    result => emitted.push(result),
    async function* parser({ data, location: at }) {
      yield* parseEntityYaml(data, at);
    },
    { get: async () => undefined, set: async () => {} },
  );
  return { handled, emitted };
}

const resource = (name: string, extra: Partial<Entity> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, ...extra.metadata },
  spec: { type: 'database', owner: 'group:default/team', ...extra.spec },
});

const elsewhere = {
  type: 'url',
  target: 'https://github.com/someone/squat/blob/main/catalog-info.yaml',
};

describe('ReservedEntityGuard', () => {
  it.each([
    ['the portal’s name shape', resource('payments-prod-9e81e4851f8e09dd')],
    [
      'the environment type',
      resource('payments-prod', { spec: { type: 'pulumi-esc-environment' } }),
    ],
    [
      'the portal’s annotations',
      resource('payments-prod', {
        metadata: {
          name: 'payments-prod',
          annotations: { 'esc-azure-oidc.dev/organization': 'acme' },
        },
      }),
    ],
  ])(
    'refuses an entity with %s from a location anyone registered',
    async (_, entity) => {
      await expect(guard.preProcessEntity(entity, elsewhere)).rejects.toThrow(
        `Resource ${entity.metadata.name} looks like a Pulumi ESC environment of the portal (its type, annotations or name), which only the portal may register; it is refused from this location`,
      );
    },
  );

  it.each([
    {
      type: 'file',
      target:
        '/srv/portal/catalog/payments-prod-9e81e4851f8e09dd/catalog-info.yaml',
    },
    {
      type: 'url',
      target:
        'https://github.com/acme/catalog/blob/main/esc-environments/payments-prod-9e81e4851f8e09dd/catalog-info.yaml',
    },
  ])('takes the portal’s own from $type locations', async location => {
    const entity = resource('payments-prod-9e81e4851f8e09dd', {
      spec: { type: 'pulumi-esc-environment' },
    });
    await expect(guard.preProcessEntity(entity, location)).resolves.toBe(
      entity,
    );
  });

  it.each([
    { type: 'file', target: '/srv/portal/catalog-evil/x/catalog-info.yaml' },
    {
      type: 'file',
      target: '/srv/portal/catalog/../elsewhere/catalog-info.yaml',
    },
    {
      type: 'url',
      target: 'https://github.com/acme/catalog-fork/blob/main/x.yaml',
    },
  ])('does not take $target for the portal’s', async location => {
    await expect(
      guard.preProcessEntity(
        resource('payments-prod-9e81e4851f8e09dd'),
        location,
      ),
    ).rejects.toThrow('only the portal may register');
  });

  it('leaves every other entity alone', async () => {
    const database = resource('orders-db');
    await expect(guard.preProcessEntity(database, elsewhere)).resolves.toBe(
      database,
    );
  });

  describe('reading a location someone registered', () => {
    const squat = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Resource',
      'metadata: { name: payments-prod-9e81e4851f8e09dd }',
      'spec: { type: pulumi-esc-environment, owner: group:default/billing-team }',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata: { name: orders }',
      'spec: { type: service, owner: group:default/billing-team, lifecycle: production }',
      '',
    ].join('\n');

    it('turns a look-alike into an error on the location, which makes the catalog store nothing of it', async () => {
      const { handled, emitted } = await read(readerOf(squat), elsewhere);
      expect(handled).toBe(true);
      expect(
        emitted
          .filter(r => r.type === 'entity')
          .map(r => (r as any).entity.metadata.name),
      ).toEqual(['orders']);
      expect(emitted).toContainEqual(
        expect.objectContaining({
          type: 'error',
          error: expect.objectContaining({
            message:
              'Resource payments-prod-9e81e4851f8e09dd looks like a Pulumi ESC environment of the portal (its type, annotations or name), which only the portal may register; it is refused from this location',
          }),
        }),
      );
    });

    it('leaves the portal’s own repository to the catalog’s reader', async () => {
      const reader = readerOf(squat);
      const { handled, emitted } = await read(reader, {
        type: 'url',
        target:
          'https://github.com/acme/catalog/blob/main/esc-environments/payments-prod-9e81e4851f8e09dd/catalog-info.yaml',
      });
      expect(handled).toBe(false);
      expect(emitted).toEqual([]);
      expect(reader.search).not.toHaveBeenCalled();
    });
  });
});
