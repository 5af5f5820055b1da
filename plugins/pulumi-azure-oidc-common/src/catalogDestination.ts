/**
 * Where environments' catalog entities are kept: the platform's choice,
 * never the requester's, so that nobody can make the portal write to a
 * repository of their choosing with the portal's credentials.
 */

/** The portal's local catalog directory, for portals without a git host. */
export interface LocalCatalogDestination {
  type: 'local';
}

/** A directory of a catalog repository, one sub-directory per entity. */
export interface RepositoryCatalogDestination {
  type: 'github' | 'azureDevOps';
  /** The repository's web address, as configured. */
  repositoryUrl: string;
  branch: string;
  /** The directory holding one directory per entity, relative to the repository's root. */
  path: string;
  /** GitHub: a pull request the platform team merges; Azure DevOps: a push to the branch. */
  via: 'pullRequest' | 'push';
}

export type CatalogDestinationDescription =
  | LocalCatalogDestination
  | RepositoryCatalogDestination;

/** One sentence for the form and the task log: where the entity goes. */
export function describeCatalogDestination(
  destination: CatalogDestinationDescription,
): string {
  if (destination.type === 'local') {
    return "The portal's local catalog directory, registered in the catalog at once.";
  }
  const where = `${destination.path}/ on branch ${destination.branch} of ${destination.repositoryUrl}`;
  return destination.via === 'pullRequest'
    ? `A pull request adding it to ${where}; the catalog shows it once the pull request is merged.`
    : `A commit pushed to ${where}; the catalog shows it once it has read the file.`;
}

/** Where the portal itself registers entities from. */
export interface PortalLocations {
  localCatalogDirectory: string;
  /** `pulumiAzureOidc.catalogRepository.url`, when entities go to a repository. */
  catalogRepositoryUrl?: string;
}

/**
 * Whether a `backstage.io/managed-by-location` value is one of the portal's
 * own: a file in the local catalog directory, or a file of the catalog
 * repository. An entity from anywhere else says nothing about who owns an
 * environment, whatever it claims.
 */
export function isPortalLocation(
  location: string | undefined,
  portal: PortalLocations,
): boolean {
  if (!location) return false;
  const separator = location.indexOf(':');
  const type = location.slice(0, separator);
  const target = location.slice(separator + 1);
  if (/(^|[/\\])\.\.([/\\]|$)|%2e%2e/i.test(target)) return false;
  if (type === 'file') {
    const directory = portal.localCatalogDirectory.replace(/\/+$/, '');
    return target.startsWith(`${directory}/`);
  }
  if (type === 'url' && portal.catalogRepositoryUrl) {
    const repository = portal.catalogRepositoryUrl.replace(/\/+$/, '');
    return (
      target.startsWith(`${repository}/`) || target.startsWith(`${repository}?`)
    );
  }
  return false;
}
