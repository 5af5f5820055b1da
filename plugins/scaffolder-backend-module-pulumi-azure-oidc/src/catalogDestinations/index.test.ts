import { ConfigReader } from '@backstage/config';
import { describeCatalogDestination } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { readPulumiAzureOidcConfig } from '../config';
import { createCatalogDestination } from '.';

const destinationOf = (pulumiAzureOidc: object) => {
  const config = new ConfigReader({ pulumiAzureOidc });
  return createCatalogDestination(readPulumiAzureOidcConfig(config), config);
};

describe('createCatalogDestination', () => {
  it('keeps entities in the local catalog directory unless a repository is configured', () => {
    const { description } = destinationOf({});
    expect(description).toEqual({ type: 'local' });
    expect(describeCatalogDestination(description)).toBe(
      "The portal's local catalog directory, registered in the catalog at once.",
    );
  });

  it('opens pull requests on a GitHub repository', () => {
    const { description } = destinationOf({
      catalogRepository: { url: 'https://github.com/acme/backstage-catalog' },
    });
    expect(description).toEqual({
      type: 'github',
      repositoryUrl: 'https://github.com/acme/backstage-catalog',
      branch: 'main',
      path: 'esc-environments',
      via: 'pullRequest',
    });
    expect(describeCatalogDestination(description)).toBe(
      'A pull request adding it to esc-environments/ on branch main of https://github.com/acme/backstage-catalog; the catalog shows it once the pull request is merged.',
    );
  });

  it('pushes to an Azure DevOps repository', () => {
    const { description } = destinationOf({
      catalogRepository: {
        url: 'https://dev.azure.com/acme/platform/_git/catalog',
        branch: 'catalog',
      },
    });
    expect(description).toMatchObject({ type: 'azureDevOps', via: 'push' });
    expect(describeCatalogDestination(description)).toBe(
      'A commit pushed to esc-environments/ on branch catalog of https://dev.azure.com/acme/platform/_git/catalog; the catalog shows it once it has read the file.',
    );
  });
});
