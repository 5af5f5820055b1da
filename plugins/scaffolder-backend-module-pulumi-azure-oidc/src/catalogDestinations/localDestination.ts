import {
  CATALOG_INFO_FILE,
  LocalCatalogDestination as Description,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CatalogDestination,
  DestinationTask,
  PublishedEntity,
} from './catalogDestination';
import { EntityFiles } from './entityFiles';

/**
 * The local catalog directory (`pulumiAzureOidc.localCatalog.directory`):
 * one directory per entity, registered as a `file` location. The task log
 * names the directory, never the server's path to it.
 */
export class LocalDestination implements CatalogDestination {
  readonly description: Description = { type: 'local' };

  constructor(private readonly directory: string) {}

  async publish(
    entity: EntityFiles,
    task: DestinationTask,
  ): Promise<PublishedEntity> {
    const target = join(this.directory, entity.entityName);
    if (task.dryRun) {
      task.log.info(
        `Dry run: would write the entity files to ${entity.entityName}/ in the portal's local catalog directory`,
      );
    } else {
      await mkdir(target, { recursive: true });
      for (const [file, content] of Object.entries(entity.files)) {
        await writeFile(join(target, file), content);
      }
      task.log.info(
        `Wrote the entity files to ${entity.entityName}/ in the portal's local catalog directory`,
      );
    }
    return {
      location: { type: 'file', target: join(target, CATALOG_INFO_FILE) },
    };
  }

  async remove(
    entity: Pick<EntityFiles, 'entityName'>,
    task: DestinationTask,
  ): Promise<string | undefined> {
    const target = join(this.directory, entity.entityName);
    const found = await stat(target).catch(() => undefined);
    if (!found?.isDirectory()) return undefined;
    if (!task.dryRun) await rm(target, { recursive: true, force: true });
    return `its files, ${entity.entityName}/ in the portal's local catalog directory`;
  }
}
