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
