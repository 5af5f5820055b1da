import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createPulumiAzureOidcPublishLocalAction } from './publishLocal';

describe('pulumi:azureOidc:publishLocal', () => {
  const workspace = createMockDirectory();
  const catalog = createMockDirectory();
  beforeEach(() => {
    workspace.clear();
    catalog.clear();
    workspace.addContent({
      'esc-environment/catalog-info.yaml': 'kind: Resource # new\n',
      'esc-environment/environment.yaml': 'values: {}\n',
    });
  });

  const run = async (input: object, isDryRun = false) => {
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
      }),
      isDryRun,
    };
    await createPulumiAzureOidcPublishLocalAction({
      directory: catalog.path,
    }).handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };

  it('copies the entity files into a directory of their own, replacing older ones', async () => {
    catalog.addContent({
      'payments-prod/catalog-info.yaml': 'kind: Resource # old\n',
    });
    const outputs = await run({ entityName: 'payments-prod' });
    expect(outputs).toEqual({
      directory: catalog.resolve('payments-prod'),
      catalogInfoPath: catalog.resolve('payments-prod/catalog-info.yaml'),
    });
    expect(
      readFileSync(catalog.resolve('payments-prod/catalog-info.yaml'), 'utf8'),
    ).toBe('kind: Resource # new\n');
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
