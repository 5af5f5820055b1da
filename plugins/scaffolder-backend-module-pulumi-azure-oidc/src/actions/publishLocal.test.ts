import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcPublishLocalAction } from './publishLocal';

const entityFile = (owner: string, name = 'payments-prod', note = 'new') =>
  `kind: Resource # ${note}\nmetadata:\n  name: ${name}\nspec:\n  owner: ${owner}\n`;
const NEW_ENTITY = entityFile('group:default/payments-team');

describe('pulumi:azureOidc:publishLocal', () => {
  const workspace = createMockDirectory();
  const catalog = createMockDirectory();
  beforeEach(() => {
    workspace.clear();
    catalog.clear();
    workspace.addContent({
      'esc-environment/catalog-info.yaml': NEW_ENTITY,
      'esc-environment/environment.yaml': 'values: {}\n',
    });
  });

  const run = async (
    input: object,
    isDryRun = false,
    administrators: string[] = [],
  ) => {
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
      }),
      isDryRun,
    };
    await createPulumiAzureOidcPublishLocalAction({
      directory: catalog.path,
      stewardship: testStewardship({ administrators }),
    }).handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };

  it('copies the entity files into a directory of their own, replacing older ones', async () => {
    catalog.addContent({
      'payments-prod/catalog-info.yaml': entityFile(
        'payments-team',
        'payments-prod',
        'old',
      ),
    });
    const outputs = await run({ entityName: 'payments-prod' });
    expect(outputs).toEqual({
      directory: catalog.resolve('payments-prod'),
      catalogInfoPath: catalog.resolve('payments-prod/catalog-info.yaml'),
    });
    expect(
      readFileSync(catalog.resolve('payments-prod/catalog-info.yaml'), 'utf8'),
    ).toBe(NEW_ENTITY);
    expect(
      readFileSync(catalog.resolve('payments-prod/environment.yaml'), 'utf8'),
    ).toBe('values: {}\n');
  });

  it('refuses to follow a link out of the workspace', async () => {
    workspace.clear();
    workspace.addContent({
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    symlinkSync(
      '/etc/hostname',
      workspace.resolve('esc-environment/catalog-info.yaml'),
    );
    await expect(run({ entityName: 'payments-prod' })).rejects.toThrow(
      'esc-environment/catalog-info.yaml must be a plain file',
    );
  });

  it('writes nothing in a dry run', async () => {
    const outputs = await run({ entityName: 'payments-prod' }, true);
    expect(outputs.catalogInfoPath).toBe(
      catalog.resolve('payments-prod/catalog-info.yaml'),
    );
    expect(existsSync(catalog.resolve('payments-prod'))).toBe(false);
  });

  it.each(['../escape', 'a/b', ''])(
    'refuses the entity name %j',
    async entityName => {
      await expect(run({ entityName })).rejects.toThrow(
        `entityName must be a catalog entity name, got '${entityName}'`,
      );
    },
  );
});

describe('pulumi:azureOidc:publishLocal stewardship', () => {
  const workspace = createMockDirectory();
  const catalog = createMockDirectory();
  const publish = async (entity: string, administrators: string[] = []) => {
    workspace.setContent({
      'esc-environment/catalog-info.yaml': entity,
      'esc-environment/environment.yaml': 'values: {}\n',
    });
    await createPulumiAzureOidcPublishLocalAction({
      directory: catalog.path,
      stewardship: testStewardship({ administrators }),
    }).handler(
      createMockActionContext({
        input: { entityName: 'payments-prod' } as any,
        workspacePath: workspace.path,
      }),
    );
  };
  const published = () =>
    readFileSync(catalog.resolve('payments-prod/catalog-info.yaml'), 'utf8');

  beforeEach(() => {
    catalog.setContent({
      'payments-prod/catalog-info.yaml': entityFile(
        'group:default/billing-team',
        'payments-prod',
        'theirs',
      ),
    });
  });

  it("does not replace another team's entity", async () => {
    await expect(
      publish(entityFile('group:default/payments-team')),
    ).rejects.toThrow(
      'Cannot publish payments-prod: it belongs to group:default/billing-team (recorded in the local catalog directory); only its owners and platform administrators may change it',
    );
    expect(published()).toContain('# theirs');
  });

  it('does not publish an entity for a team the user does not belong to', async () => {
    catalog.clear();
    await expect(
      publish(entityFile('group:default/billing-team')),
    ).rejects.toThrow(
      "Cannot publish payments-prod: its owner must be you or a group you belong to (group:default/payments-team); 'group:default/billing-team' is neither.",
    );
    expect(existsSync(catalog.resolve('payments-prod'))).toBe(false);
  });

  it.each([
    ['another name', entityFile('payments-team', 'billing-prod')],
    [
      'two entities',
      `${entityFile('payments-team')}---\n${entityFile('payments-team')}`,
    ],
    ['no owner', 'kind: Resource\nmetadata:\n  name: payments-prod\n'],
  ])('refuses an entity file with %s', async (_, entity) => {
    await expect(publish(entity, ['user:default/ada'])).rejects.toThrow(
      "esc-environment/catalog-info.yaml must hold exactly one entity, named 'payments-prod'",
    );
    expect(published()).toContain('# theirs');
  });

  it('lets platform administrators replace any entity', async () => {
    await publish(entityFile('group:default/billing-team'), [
      'group:default/payments-team',
    ]);
    expect(published()).toContain('# new');
  });
});
