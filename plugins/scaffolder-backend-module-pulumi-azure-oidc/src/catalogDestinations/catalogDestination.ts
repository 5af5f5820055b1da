/**
 * Where an environment's entity files are kept and whence the catalog
 * reads them: the local catalog directory, or a catalog repository on
 * GitHub or Azure DevOps, as the platform configures it.
 */
import { CatalogDestinationDescription } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { EntityFiles } from './entityFiles';

export interface DestinationTask {
  dryRun: boolean;
  log: { info(line: string): void };
  signal?: AbortSignal;
}

/** Where the entity now is, for the catalog and for the requester. */
export interface PublishedEntity {
  /** The location the catalog reads the entity from. */
  location: { type: 'file' | 'url'; target: string };
  /** The pull request that adds or changes the files, when one does. */
  pullRequestUrl?: string;
}

export interface CatalogDestination {
  readonly description: CatalogDestinationDescription;
  /**
   * Writes the entity's files (replacing what an earlier run wrote) and says
   * where the catalog reads them. A dry run writes nothing.
   */
  publish(entity: EntityFiles, task: DestinationTask): Promise<PublishedEntity>;
  /**
   * Removes the files of a decommissioned environment's entity, and says
   * what was done; undefined when no file was left.
   */
  remove(
    entity: Pick<EntityFiles, 'entityName' | 'environmentRef'>,
    task: DestinationTask,
  ): Promise<string | undefined>;
}
