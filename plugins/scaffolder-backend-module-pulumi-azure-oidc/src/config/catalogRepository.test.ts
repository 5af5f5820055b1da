import { ConfigReader } from '@backstage/config';
import { readPulumiAzureOidcConfig } from '.';

const read = (catalogRepository: object, integrations: object = {}) =>
  readPulumiAzureOidcConfig(
    new ConfigReader({ integrations, pulumiAzureOidc: { catalogRepository } }),
  ).catalogRepository;

describe('catalogRepository', () => {
  it('is the local catalog directory when unset', () => {
    expect(
      readPulumiAzureOidcConfig(new ConfigReader({})).catalogRepository,
    ).toBeUndefined();
  });

  it('reads a GitHub repository, with the default branch and path', () => {
    expect(
      read({ url: 'https://github.com/acme/backstage-catalog.git/' }),
    ).toEqual({
      type: 'github',
      url: 'https://github.com/acme/backstage-catalog',
      host: 'github.com',
      owner: 'acme',
      repo: 'backstage-catalog',
      branch: 'main',
      path: 'esc-environments',
    });
  });

  it('reads an Azure DevOps repository, on Services or on a Server of the integrations', () => {
    expect(
      read({
        url: 'https://dev.azure.com/acme/platform/_git/catalog',
        branch: 'release/catalog',
        path: '/teams/esc/',
      }),
    ).toEqual({
      type: 'azureDevOps',
      url: 'https://dev.azure.com/acme/platform/_git/catalog',
      host: 'dev.azure.com',
      owner: 'acme',
      project: 'platform',
      repo: 'catalog',
      branch: 'release/catalog',
      path: 'teams/esc',
    });
    expect(
      read(
        {
          url: 'https://tfs.acme.example/DefaultCollection/Platform/_git/Catalog',
        },
        { azure: [{ host: 'tfs.acme.example' }] },
      ),
    ).toMatchObject({ type: 'azureDevOps', owner: 'DefaultCollection' });
  });

  it.each([
    [
      { url: 'not a url' },
      "catalogRepository.url must be a repository's web address such as https://github.com/acme/catalog, got 'not a url'",
    ],
    [
      { url: 'https://gitlab.com/acme/catalog' },
      "catalogRepository.url must be on a host of the portal's GitHub or Azure DevOps integrations (integrations.github, integrations.azure), got 'gitlab.com'",
    ],
    [
      { url: 'https://github.com/acme' },
      "catalogRepository.url must be https://github.com/<owner>/<repository>, got 'https://github.com/acme'",
    ],
    [
      { url: 'https://github.com/acme/catalog/tree/main' },
      "catalogRepository.url must be https://github.com/<owner>/<repository>, got 'https://github.com/acme/catalog/tree/main'",
    ],
    [
      { url: 'https://dev.azure.com/acme/catalog' },
      "catalogRepository.url must be https://dev.azure.com/<organization>/<project>/_git/<repository>, got 'https://dev.azure.com/acme/catalog'",
    ],
    ...['-main', 'a..b', 'a b', 'main.lock', 'a//b', 'main/', 'x@{1}'].map(
      branch => [
        { url: 'https://github.com/acme/catalog', branch },
        `catalogRepository.branch must be a branch name such as main, got '${branch}'`,
      ],
    ),
    ...['/', '.', 'a/../b', 'a//b', 'a\\b', 'a b'].map(path => [
      { url: 'https://github.com/acme/catalog', path },
      `catalogRepository.path must be a directory inside the repository such as esc-environments, got '${path.replace(
        /^\/$/,
        '',
      )}'`,
    ]),
  ] as Array<[object, string]>)('refuses %j', (catalogRepository, message) => {
    expect(() => read(catalogRepository)).toThrow(message);
  });
});
