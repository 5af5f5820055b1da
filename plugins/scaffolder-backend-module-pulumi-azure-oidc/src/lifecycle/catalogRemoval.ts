/**
 * An environment's catalog entity, removed: its location goes (which
 * removes the entity), then its files where the platform keeps them (the
 * local catalog directory, or a catalog repository through a pull request
 * or a push).
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogDestination } from '../catalogDestinations';
import type { DecommissionOutcome, DecommissionTask } from './decommissioner';

export async function removeFromCatalog(
  services: {
    catalog: CatalogService;
    auth: AuthService;
    destination: CatalogDestination;
  },
  task: Pick<DecommissionTask, 'target' | 'dryRun' | 'signal' | 'log'>,
  outcome: DecommissionOutcome,
) {
  const { catalog, auth, destination } = services;
  const { target, dryRun } = task;
  const credentials = await auth.getOwnServiceCredentials();
  const entityRef = `resource:default/${target.entityName}`;
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (entity) {
    outcome.alreadyGone = false;
    outcome.removed.push(`catalog entity ${entityRef}`);
    if (!dryRun) {
      const location = await catalog.getLocationByEntity(entityRef, {
        credentials,
      });
      if (location) {
        await catalog.removeLocationById(location.id, { credentials });
      } else {
        await catalog.removeEntityByUid(entity.metadata.uid!, { credentials });
      }
    }
  }
  const files = await destination.remove(
    { entityName: target.entityName, environmentRef: target.environmentRef },
    { dryRun, signal: task.signal, log: task.log },
  );
  if (files) {
    outcome.alreadyGone = false;
    outcome.removed.push(files);
  }
}
