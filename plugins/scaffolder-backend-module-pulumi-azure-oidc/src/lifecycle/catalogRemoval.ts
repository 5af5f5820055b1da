/**
 * An environment's catalog entity, removed: its location goes (which
 * removes the entity), with its files when they lie in the local catalog
 * directory. Files in a catalog repository are the template's to delete.
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { rm } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { DecommissionOutcome, DecommissionTask } from './decommissioner';

/**
 * The entity's location is removed, which removes the entity; files in
 * the local catalog directory go too. Files in a catalog repository are
 * the template's to delete, through a pull request or a push.
 */
export async function removeFromCatalog(
  services: {
    catalog: CatalogService;
    auth: AuthService;
    localCatalogDirectory: string;
  },
  task: Pick<DecommissionTask, 'target' | 'dryRun'>,
  outcome: DecommissionOutcome,
) {
  const { catalog, auth } = services;
  const credentials = await auth.getOwnServiceCredentials();
  const entityRef = `resource:default/${task.target.entityName}`;
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) return;
  const locationRef = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  outcome.entityLocation = locationRef;
  outcome.alreadyGone = false;
  const location = await catalog.getLocationByEntity(entityRef, {
    credentials,
  });
  outcome.removed.push(
    `catalog entity ${entityRef}${locationRef ? ` (${locationRef})` : ''}`,
  );
  const localFile = localEntityFile(
    services.localCatalogDirectory,
    location?.type,
    location?.target,
  );
  if (localFile) outcome.removed.push(`its files in ${dirname(localFile)}`);
  if (task.dryRun) return;
  if (location) {
    await catalog.removeLocationById(location.id, { credentials });
  } else {
    await catalog.removeEntityByUid(entity.metadata.uid!, { credentials });
  }
  if (localFile) {
    await rm(dirname(localFile), { recursive: true, force: true });
  }
}

/** The entity file, when it lies in the local catalog directory. */
function localEntityFile(
  directory: string,
  type?: string,
  target?: string,
): string | undefined {
  if (type !== 'file' || !target) return undefined;
  const file = resolve(target);
  const inside = relative(resolve(directory), file);
  return inside && !inside.startsWith('..') && inside.split(sep).length === 2
    ? file
    : undefined;
}
