/**
 * A thousand generated `sourcePath` inputs to the publish action, which
 * writes into the catalog's directory: only the workspace's entity
 * directory is ever published; a path that leaves the workspace or names
 * anything else is refused having published nothing.
 */
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { LocalDestination } from '../catalogDestinations/localDestination';
import { entityFile } from '../__testUtils__/entityFile';
import { testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcPublishAction } from './publish';

const sourcePath = fc.oneof(
  fc.constantFrom(
    'esc-environment',
    './esc-environment',
    'esc-environment/',
    'a/../esc-environment',
    'esc-environment/catalog-info.yaml',
    'esc-environment/..',
    '.',
    '',
    '..',
    '../esc-environment',
    '/etc',
    '/',
    '~',
    'ESC-ENVIRONMENT',
    'esc-environment\u0000',
    '${{ parameters.sourcePath }}',
    'other',
  ),
  fc.string({ maxLength: 30 }),
);

jest.setTimeout(600_000);

describe('pulumi:azureOidc:publish, given hostile source paths', () => {
  const workspace = createMockDirectory();
  const directory = createMockDirectory();
  const ENTITY = entityFile('group:default/payments-team');
  workspace.setContent({
    'esc-environment/catalog-info.yaml': ENTITY,
    'esc-environment/environment.yaml': 'values: {}\n',
    'other/notes.txt': 'not an entity',
  });
  const action = createPulumiAzureOidcPublishAction({
    destination: new LocalDestination(directory.path),
    catalog: catalogServiceMock.mock(),
    auth: mockServices.auth(),
    stewardship: testStewardship({ localCatalogDirectory: directory.path }),
  });

  it('publishes the entity directory of the workspace, or nothing', async () => {
    let published = 0;
    await assertProperty(
      'hostile publish source paths',
      fc.asyncProperty(sourcePath, async asked => {
        directory.clear();
        const ctx = {
          ...createMockActionContext({
            input: { sourcePath: asked },
            workspacePath: workspace.path,
          }),
          getInitiatorCredentials: async () =>
            mockCredentials.user('user:default/ada'),
        };
        const refusal = await action.handler(ctx).then(
          () => undefined,
          (error: Error) => error,
        );
        const files = readdirSync(directory.path, { recursive: true });
        if (!refusal) published += 1;
        const problems = refusal
          ? [
              refusal.name !== 'InputError' &&
                `refused with ${refusal.name}: ${refusal.message}`,
              files.length > 0 && { publishedBeforeRefusing: files },
            ]
          : [
              readFileSync(
                directory.resolve('payments-prod/catalog-info.yaml'),
                'utf8',
              ) !== ENTITY && 'published another entity',
            ];
        expect(problems.filter(Boolean)).toEqual([]);
      }),
    );
    expect(published).toBeGreaterThan(50);
  });
});
