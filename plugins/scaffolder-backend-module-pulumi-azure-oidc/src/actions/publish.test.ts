import { mockServices } from '@backstage/backend-test-utils';
import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { LocalDestination } from '../catalogDestinations/localDestination';
import { entityFile } from '../__testUtils__/entityFile';
import { recordingLogger } from '../__testUtils__/logger';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcPublishAction } from './publish';

const NEW_ENTITY = entityFile('group:default/payments-team');
const ENTITY_REF = 'resource:default/payments-prod';

/** The environment's entity as the catalog has it, read from `location`. */
const managedBy = (location: string): Entity => {
  const entity = ownedEntity('payments-prod', 'group:default/payments-team');
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { 'backstage.io/managed-by-location': location },
    },
  };
};

describe('pulumi:azureOidc:publish, to the local catalog directory', () => {
  const workspace = createMockDirectory();
  const directory = createMockDirectory();
  const credentials = mockCredentials.user('user:default/ada');
  const entityFileTarget = () =>
    directory.resolve('payments-prod/catalog-info.yaml');
  let logger: ReturnType<typeof recordingLogger>;

  /** Publishes `entity` as Ada. */
  const publish = async (
    entity: string,
    options: {
      isDryRun?: boolean;
      administrators?: string[];
      catalogEntities?: Entity[];
      catalog?: ReturnType<typeof catalogServiceMock.mock>;
    } = {},
  ) => {
    workspace.setContent({
      'esc-environment/catalog-info.yaml': entity,
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    const ctx = {
      ...createMockActionContext({
        input: { sourcePath: 'esc-environment' },
        workspacePath: workspace.path,
        logger,
      }),
      getInitiatorCredentials: async () => credentials,
      isDryRun: options.isDryRun ?? false,
    };
    await createPulumiAzureOidcPublishAction({
      destination: new LocalDestination(directory.path),
      catalog: options.catalog ?? catalogServiceMock.mock(),
      auth: mockServices.auth(),
      stewardship: testStewardship({
        administrators: options.administrators,
        entities: options.catalogEntities,
        localCatalogDirectory: directory.path,
      }),
    }).handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };
  const published = () => readFileSync(entityFileTarget(), 'utf8');

  beforeEach(() => {
    directory.clear();
    logger = recordingLogger();
  });

  it('writes the entity files into a directory of their own, replacing older ones, and registers them as the user', async () => {
    directory.addContent({
      'payments-prod/catalog-info.yaml': entityFile('payments-team', {
        note: 'old',
      }),
    });
    const catalog = catalogServiceMock.mock();
    const outputs = await publish(NEW_ENTITY, { catalog });
    expect(outputs).toEqual({ entityRef: ENTITY_REF, destination: 'local' });
    expect(published()).toBe(NEW_ENTITY);
    expect(
      readFileSync(directory.resolve('payments-prod/environment.yaml'), 'utf8'),
    ).toBe('values: {}\n');
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: entityFileTarget() },
      { credentials },
    );
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
    expect(logger.lines).toEqual([
      "info Wrote the entity files to payments-prod/ in the portal's local catalog directory",
      `info Registered ${ENTITY_REF} in the catalog`,
    ]);
  });

  it('moves an environment from the name an earlier release gave it', async () => {
    // legacyEscEnvironmentEntityName of acme/payments/prod.
    const legacy = 'payments-prod-926b7285';
    const legacyFile = `${directory.path}/${legacy}/catalog-info.yaml`;
    directory.addContent({
      [`${legacy}/catalog-info.yaml`]: entityFile('payments-team'),
    });
    const legacyEntity = ownedEntity(
      legacy,
      'group:default/payments-team',
      'acme/payments/prod',
      `file:${legacyFile}`,
    );
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async (ref: any) =>
        ref === `resource:default/${legacy}` ? legacyEntity : undefined,
      getLocationByEntity: async () => ({
        id: 'legacy-location',
        type: 'file',
        target: legacyFile,
      }),
    } as any);
    await publish(NEW_ENTITY, { catalog, catalogEntities: [legacyEntity] });
    expect(published()).toBe(NEW_ENTITY);
    expect(catalog.removeLocationById).toHaveBeenCalledWith(
      'legacy-location',
      expect.anything(),
    );
    expect(existsSync(directory.resolve(legacy))).toBe(false);
    expect(logger.lines).toContain(
      `info Moved to ${ENTITY_REF}: removed catalog entity resource:default/${legacy}`,
    );
  });

  it('never removes an entity of the old name that someone else registered', async () => {
    const legacy = 'payments-prod-926b7285';
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async (ref: any) =>
        ref === `resource:default/${legacy}`
          ? ownedEntity(
              legacy,
              'group:default/billing-team',
              'acme/payments/prod',
              'url:https://github.com/someone/squat/blob/main/catalog-info.yaml',
            )
          : undefined,
    });
    await publish(NEW_ENTITY, { catalog });
    expect(catalog.removeLocationById).not.toHaveBeenCalled();
    expect(catalog.removeEntityByUid).not.toHaveBeenCalled();
    expect(logger.lines).toContain(
      `warn Kept catalog entity resource:default/${legacy}: it was not registered by the portal`,
    );
  });

  it('has the catalog read the file again when it is registered already', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async () => managedBy(`file:${entityFileTarget()}`),
      addLocation: async () => {
        throw new ConflictError('Location already exists');
      },
    });
    await publish(NEW_ENTITY, { catalog });
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      `location:default/${locationSpecToMetadataName({
        type: 'file',
        target: entityFileTarget(),
      })}`,
      { credentials },
    );
  });

  it('refuses an entity the catalog has from elsewhere, without saying where', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async () => managedBy('file:/srv/elsewhere/x.yaml'),
    });
    const failure = await publish(NEW_ENTITY, { catalog }).catch(e => e);
    expect(failure.message).toBe(
      `The catalog already has ${ENTITY_REF} from another location; unregister it there before publishing it here`,
    );
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('writes and registers nothing in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    const outputs = await publish(NEW_ENTITY, { isDryRun: true, catalog });
    expect(outputs.entityRef).toBe(ENTITY_REF);
    expect(existsSync(directory.resolve('payments-prod'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('names no server path in its log', async () => {
    await publish(NEW_ENTITY);
    expect(logger.lines.join('\n')).not.toContain(directory.path);
  });

  /** Publishes what the workspace holds, as it is. */
  const publishWorkspaceAsIs = () =>
    createPulumiAzureOidcPublishAction({
      destination: new LocalDestination(directory.path),
      catalog: catalogServiceMock.mock(),
      auth: mockServices.auth(),
      stewardship: testStewardship(),
    }).handler(
      createMockActionContext({
        input: { sourcePath: 'esc-environment' },
        workspacePath: workspace.path,
      }),
    );

  it('says what to do when the rendered files are not in the workspace, as in a task resumed after its backend stopped', async () => {
    workspace.setContent({});
    await expect(publishWorkspaceAsIs()).rejects.toThrow(
      "esc-environment/catalog-info.yaml is not in the task's workspace: pulumi:azureOidc:writeCatalogInfo writes it in an earlier step. If this task was resumed after its backend stopped, run the template again: it converges on what was provisioned.",
    );
    expect(readdirSync(directory.path)).toEqual([]);
  });

  it('refuses to follow a link out of the workspace', async () => {
    workspace.setContent({
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    symlinkSync(
      '/etc/hostname',
      workspace.resolve('esc-environment/catalog-info.yaml'),
    );
    await expect(publishWorkspaceAsIs()).rejects.toThrow(
      'esc-environment/catalog-info.yaml must be a plain file',
    );
  });

  describe('stewardship', () => {
    const theirs = () =>
      directory.setContent({
        'payments-prod/catalog-info.yaml': entityFile(
          'group:default/billing-team',
          { note: 'theirs' },
        ),
      });

    it("does not replace another team's entity file", async () => {
      theirs();
      await expect(publish(NEW_ENTITY)).rejects.toThrow(
        `Cannot publish ${ENTITY_REF}: it belongs to group:default/billing-team (recorded in the local catalog directory); only its owners and platform administrators may change it`,
      );
      expect(published()).toContain('# theirs');
    });

    it("does not publish over another team's entity", async () => {
      await expect(
        publish(NEW_ENTITY, {
          catalogEntities: [
            ownedEntity(
              'payments-prod',
              'group:default/billing-team',
              'acme/payments/prod',
              `file:${directory.path}/payments-prod/catalog-info.yaml`,
            ),
          ],
        }),
      ).rejects.toThrow(
        `Cannot publish ${ENTITY_REF}: it belongs to group:default/billing-team (recorded in the catalog entity ${ENTITY_REF})`,
      );
      expect(existsSync(directory.resolve('payments-prod'))).toBe(false);
    });

    it('takes no owner from an entity someone registered elsewhere under its name', async () => {
      // Claims the environment for another team, from a repository anyone
      // may register: it records nothing the portal trusts.
      const squatter = ownedEntity(
        'payments-prod',
        'group:default/billing-team',
        'acme/payments/prod',
        'url:https://github.com/someone/squat/blob/main/catalog-info.yaml',
      );
      await publish(NEW_ENTITY, { catalogEntities: [squatter] });
      expect(published()).toBe(NEW_ENTITY);
    });

    it('leaves an entity file that names no owner to administrators', async () => {
      directory.setContent({
        'payments-prod/catalog-info.yaml': 'not: [an entity # theirs',
      });
      await expect(publish(NEW_ENTITY)).rejects.toThrow(
        `Cannot publish ${ENTITY_REF}: it has the local catalog directory, which records no owner; only platform administrators may change it`,
      );
      await publish(NEW_ENTITY, { administrators: ['user:default/ada'] });
      expect(published()).toBe(NEW_ENTITY);
    });

    it('does not publish an entity for a team the user does not belong to', async () => {
      await expect(
        publish(entityFile('group:default/billing-team')),
      ).rejects.toThrow(
        `Cannot publish ${ENTITY_REF}: its owner must be you or a group you belong to (group:default/payments-team); 'group:default/billing-team' is neither.`,
      );
      expect(existsSync(directory.resolve('payments-prod'))).toBe(false);
    });

    it.each([
      [
        'a name in upper case',
        entityFile('payments-team', { name: 'Payments-Prod' }),
      ],
      [
        'a name that is a path',
        entityFile('payments-team', { name: '../escape' }),
      ],
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
        'esc-environment/catalog-info.yaml must hold exactly one Resource of the default namespace, an ESC environment named in lower case, as pulumi:azureOidc:writeCatalogInfo writes it',
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
