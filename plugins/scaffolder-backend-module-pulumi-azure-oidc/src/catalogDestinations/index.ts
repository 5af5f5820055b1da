import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { PulumiAzureOidcSettings } from '../config';
import { AzureDevOpsDestination } from './azureDevOpsDestination';
import { CatalogDestination } from './catalogDestination';
import {
  GithubDestination,
  githubPullRequestClient,
  PullRequestClient,
} from './githubDestination';
import { LocalDestination } from './localDestination';

export type {
  CatalogDestination,
  DestinationTask,
  PublishedEntity,
} from './catalogDestination';
export { readEntityFiles } from './entityFiles';
export type { EntityFiles } from './entityFiles';
export { registerLocation } from './registration';
export type { PullRequestClient } from './githubDestination';

/**
 * The destination the settings name: the catalog repository when one is
 * configured, written with the portal's SCM integrations; otherwise the
 * local catalog directory.
 */
export function createCatalogDestination(
  settings: Pick<
    PulumiAzureOidcSettings,
    'catalogRepository' | 'localCatalogDirectory'
  >,
  rootConfig: Config,
  overrides: {
    /** Instead of an Octokit client for the GitHub integration. */
    githubClient?: (
      repository: NonNullable<PulumiAzureOidcSettings['catalogRepository']>,
    ) => Promise<PullRequestClient>;
  } = {},
): CatalogDestination {
  const repository = settings.catalogRepository;
  if (!repository) return new LocalDestination(settings.localCatalogDirectory);
  const integrations = ScmIntegrations.fromConfig(rootConfig);
  if (repository.type === 'github') {
    return new GithubDestination(
      repository,
      overrides.githubClient ?? githubPullRequestClient(integrations),
    );
  }
  return new AzureDevOpsDestination(repository, {
    integrations,
    author: {
      name: rootConfig.getOptionalString('scaffolder.defaultAuthor.name'),
      email: rootConfig.getOptionalString('scaffolder.defaultAuthor.email'),
    },
  });
}
