/**
 * The Azure DevOps destination against a real git server on loopback
 * (git http-backend): what it clones, commits and pushes, with the
 * personal access token of the portal's integration.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { gitHttpServer, GitHttpServer } from '@esc-azure-oidc/test-utils';
import { readPulumiAzureOidcConfig } from '../config';
import { recordingLogger } from '../__testUtils__/logger';
import { AzureDevOpsDestination } from './azureDevOpsDestination';
import { EntityFiles } from './entityFiles';

const TOKEN = 'ado-pat-canary-0042';
const REPOSITORY = 'acme/platform/_git/catalog';

const entity = (note: string): EntityFiles => ({
  entityName: 'payments-prod-0a1b2c3d',
  environmentRef: 'acme/payments/prod',
  owner: 'group:default/payments-team',
  files: {
    'catalog-info.yaml': `kind: Resource # ${note}\n`,
    'environment.yaml': 'values: {}\n',
  },
});

describe('AzureDevOpsDestination', () => {
  const root = createMockDirectory();
  let server: GitHttpServer;
  let logger: ReturnType<typeof recordingLogger>;

  const destination = (token = TOKEN) => {
    const config = new ConfigReader({
      integrations: {
        azure: [
          {
            host: server.host,
            credentials: [{ personalAccessToken: token }],
          },
        ],
      },
      pulumiAzureOidc: {
        catalogRepository: {
          url: `${server.url}/${REPOSITORY}`,
          branch: 'main',
          path: 'esc-environments',
        },
      },
    });
    const { catalogRepository } = readPulumiAzureOidcConfig(config);
    return new AzureDevOpsDestination(catalogRepository!, {
      integrations: ScmIntegrations.fromConfig(config),
      author: { name: 'Portal', email: 'portal@example.com' },
    });
  };
  const task = (dryRun = false) => ({ dryRun, log: logger });
  const onMain = (file: string) =>
    server.show(
      REPOSITORY,
      'main',
      `esc-environments/payments-prod-0a1b2c3d/${file}`,
    );

  beforeEach(async () => {
    root.clear();
    server = await gitHttpServer(root.path, TOKEN);
    server.createRepository(REPOSITORY, 'main', {
      'README.md': 'The platform catalog\n',
    });
    logger = recordingLogger();
  });
  afterEach(() => server.close());

  it('pushes the entity files to the configured branch and path, with the integration token', async () => {
    const published = await destination().publish(entity('first'), task());
    expect(onMain('catalog-info.yaml')).toBe('kind: Resource # first\n');
    expect(onMain('environment.yaml')).toBe('values: {}\n');
    expect(server.show(REPOSITORY, 'main', 'README.md')).toBe(
      'The platform catalog\n',
    );
    expect(server.passwords).toContain(TOKEN);
    expect(published).toEqual({
      location: {
        type: 'url',
        target: `${server.url}/${REPOSITORY}?path=%2Fesc-environments%2Fpayments-prod-0a1b2c3d%2Fcatalog-info.yaml&version=GBmain`,
      },
    });
    expect(logger.lines).toEqual([
      `info Pushed esc-environments/payments-prod-0a1b2c3d/ to main of ${server.url}/${REPOSITORY}`,
    ]);
  });

  it('replaces the files on a second run, and pushes nothing when they are the same', async () => {
    await destination().publish(entity('first'), task());
    await destination().publish(entity('second'), task());
    expect(onMain('catalog-info.yaml')).toBe('kind: Resource # second\n');
    expect(server.pushes).toBe(2);

    await destination().publish(entity('second'), task());
    expect(server.pushes).toBe(2);
    expect(logger.lines.at(-1)).toBe(
      `info ${server.url}/${REPOSITORY} holds these entity files already on main`,
    );
  });

  it('starts again from a fresh clone when another push landed meanwhile', async () => {
    server.beforeNextPush(() =>
      server.commit(REPOSITORY, 'main', { 'other/catalog-info.yaml': 'x\n' }),
    );
    await destination().publish(entity('first'), task());
    expect(onMain('catalog-info.yaml')).toBe('kind: Resource # first\n');
    expect(server.show(REPOSITORY, 'main', 'other/catalog-info.yaml')).toBe(
      'x\n',
    );
  });

  it('removes the files of a decommissioned environment, and says when none were left', async () => {
    await destination().publish(entity('first'), task());
    expect(await destination().remove(entity('first'), task())).toBe(
      `its files, esc-environments/payments-prod-0a1b2c3d/ on main of ${server.url}/${REPOSITORY}`,
    );
    expect(onMain('catalog-info.yaml')).toBeUndefined();
    expect(server.show(REPOSITORY, 'main', 'README.md')).toBeDefined();
    expect(await destination().remove(entity('first'), task())).toBeUndefined();
    expect(server.pushes).toBe(2);
  });

  it('changes nothing in a dry run', async () => {
    await destination().publish(entity('first'), task(true));
    await destination().remove(entity('first'), task(true));
    expect(server.passwords).toEqual([]);
    expect(onMain('catalog-info.yaml')).toBeUndefined();
  });

  it('says which step failed, without the token', async () => {
    const failure = await destination('wrong-pat-canary-0043')
      .publish(entity('first'), task())
      .catch(e => e);
    expect(failure.message).toMatch(
      new RegExp(`^Cloning main of ${server.url}/${REPOSITORY} failed: `),
    );
    expect(failure.message).not.toContain('wrong-pat-canary-0043');
    expect(onMain('catalog-info.yaml')).toBeUndefined();
  });

  it('refuses to start without credentials for the host', async () => {
    const config = new ConfigReader({
      integrations: { azure: [{ host: server.host }] },
      pulumiAzureOidc: {
        catalogRepository: { url: `${server.url}/${REPOSITORY}` },
      },
    });
    const { catalogRepository } = readPulumiAzureOidcConfig(config);
    await expect(
      new AzureDevOpsDestination(catalogRepository!, {
        integrations: ScmIntegrations.fromConfig(config),
      }).publish(entity('first'), task()),
    ).rejects.toThrow(
      `The portal has no credentials for ${server.url}/${REPOSITORY}: add them under integrations.azure for ${server.host}`,
    );
  });
});
