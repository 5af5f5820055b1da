import { createMockDirectory } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcPublishLocalAction } from './publishLocal';

/** An ESC environment's entity file, as writeCatalogInfo writes it (in short). */
const entityFile = (
  owner: string,
  {
    name = 'payments-prod',
    note = 'new',
    kind = 'Resource',
    environment = 'prod',
  } = {},
) =>
  [
    `kind: ${kind} # ${note}`,
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    '    esc-azure-oidc.dev/organization: acme',
    '    esc-azure-oidc.dev/project: payments',
    `    esc-azure-oidc.dev/environment: ${environment}`,
    'spec:',
    `  owner: ${owner}`,
    '',
  ].join('\n');
const NEW_ENTITY = entityFile('group:default/payments-team');

describe('pulumi:azureOidc:publishLocal', () => {
  const workspace = createMockDirectory();
  const catalog = createMockDirectory();

  /** Publishes `entity` as Ada, into `catalog`. */
  const publish = async (
    entity: string,
    options: {
      entityName?: string;
      isDryRun?: boolean;
      administrators?: string[];
      catalogEntities?: Entity[];
    } = {},
  ) => {
    workspace.setContent({
      'esc-environment/catalog-info.yaml': entity,
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    const ctx = {
      ...createMockActionContext({
        input: { entityName: options.entityName ?? 'payments-prod' } as any,
        workspacePath: workspace.path,
      }),
      isDryRun: options.isDryRun ?? false,
    };
    await createPulumiAzureOidcPublishLocalAction({
      directory: catalog.path,
      stewardship: testStewardship({
        administrators: options.administrators,
        entities: options.catalogEntities,
        localCatalogDirectory: catalog.path,
      }),
    }).handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };
  const published = () =>
    readFileSync(catalog.resolve('payments-prod/catalog-info.yaml'), 'utf8');

  beforeEach(() => catalog.clear());

  it('copies the entity files into a directory of their own, replacing older ones', async () => {
    catalog.addContent({
      'payments-prod/catalog-info.yaml': entityFile('payments-team', {
        note: 'old',
      }),
    });
    const outputs = await publish(NEW_ENTITY);
    expect(outputs).toEqual({
      directory: catalog.resolve('payments-prod'),
      catalogInfoPath: catalog.resolve('payments-prod/catalog-info.yaml'),
    });
    expect(published()).toBe(NEW_ENTITY);
    expect(
      readFileSync(catalog.resolve('payments-prod/environment.yaml'), 'utf8'),
    ).toBe('values: {}\n');
  });

  it('refuses to follow a link out of the workspace', async () => {
    workspace.setContent({
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    symlinkSync(
      '/etc/hostname',
      workspace.resolve('esc-environment/catalog-info.yaml'),
    );
    await expect(
      createPulumiAzureOidcPublishLocalAction({
        directory: catalog.path,
        stewardship: testStewardship(),
      }).handler(
        createMockActionContext({
          input: { entityName: 'payments-prod' } as any,
          workspacePath: workspace.path,
        }),
      ),
    ).rejects.toThrow('esc-environment/catalog-info.yaml must be a plain file');
  });

  it('writes nothing in a dry run', async () => {
    const outputs = await publish(NEW_ENTITY, { isDryRun: true });
    expect(outputs.catalogInfoPath).toBe(
      catalog.resolve('payments-prod/catalog-info.yaml'),
    );
    expect(existsSync(catalog.resolve('payments-prod'))).toBe(false);
  });

  it.each(['../escape', 'a/b', '', 'Payments-Prod'])(
    'refuses the entity name %j',
    async entityName => {
      await expect(publish(NEW_ENTITY, { entityName })).rejects.toThrow(
        `entityName must be a catalog entity name in lower case, got '${entityName}'`,
      );
    },
  );

  describe('stewardship', () => {
    const theirs = () =>
      catalog.setContent({
        'payments-prod/catalog-info.yaml': entityFile(
          'group:default/billing-team',
          { note: 'theirs' },
        ),
      });

    it("does not replace another team's entity file", async () => {
      theirs();
      await expect(publish(NEW_ENTITY)).rejects.toThrow(
        'Cannot publish payments-prod: it belongs to group:default/billing-team (recorded in the local catalog directory); only its owners and platform administrators may change it',
      );
      expect(published()).toContain('# theirs');
    });

    it("does not publish over another team's entity registered from elsewhere", async () => {
      await expect(
        publish(NEW_ENTITY, {
          catalogEntities: [
            ownedEntity('payments-prod', 'group:default/billing-team'),
          ],
        }),
      ).rejects.toThrow(
        'Cannot publish payments-prod: it belongs to group:default/billing-team (recorded in the catalog entity resource:default/payments-prod)',
      );
      expect(existsSync(catalog.resolve('payments-prod'))).toBe(false);
    });

    it('leaves an entity file that names no owner to administrators', async () => {
      catalog.setContent({
        'payments-prod/catalog-info.yaml': 'not: [an entity # theirs',
      });
      await expect(publish(NEW_ENTITY)).rejects.toThrow(
        'Cannot publish payments-prod: it has the local catalog directory, which records no owner; only platform administrators may change it',
      );
      await publish(NEW_ENTITY, { administrators: ['user:default/ada'] });
      expect(published()).toBe(NEW_ENTITY);
    });

    it('does not publish an entity for a team the user does not belong to', async () => {
      await expect(
        publish(entityFile('group:default/billing-team')),
      ).rejects.toThrow(
        "Cannot publish payments-prod: its owner must be you or a group you belong to (group:default/payments-team); 'group:default/billing-team' is neither.",
      );
      expect(existsSync(catalog.resolve('payments-prod'))).toBe(false);
    });

    it.each([
      ['another name', entityFile('payments-team', { name: 'billing-prod' })],
      ['another kind', entityFile('payments-team', { kind: 'Location' })],
      [
        'two entities',
        `${entityFile('payments-team')}---\n${entityFile('payments-team')}`,
      ],
      ['no owner', 'kind: Resource\nmetadata:\n  name: payments-prod\n'],
      [
        'no environment',
        'kind: Resource\nmetadata:\n  name: payments-prod\nspec:\n  owner: payments-team\n',
      ],
      [
        'another namespace',
        entityFile('payments-team').replace(
          'metadata:\n',
          'metadata:\n  namespace: billing\n',
        ),
      ],
    ])('refuses an entity file with %s', async (_, entity) => {
      theirs();
      await expect(
        publish(entity, { administrators: ['user:default/ada'] }),
      ).rejects.toThrow(
        "esc-environment/catalog-info.yaml must hold exactly one Resource, the ESC environment 'payments-prod' of the default namespace, as pulumi:azureOidc:writeCatalogInfo writes it",
      );
      expect(published()).toContain('# theirs');
    });

    it('lets platform administrators replace any entity', async () => {
      theirs();
      await publish(entityFile('group:default/billing-team'), {
        administrators: ['group:default/payments-team'],
      });
      expect(published()).toContain('# new');
    });
  });
});
