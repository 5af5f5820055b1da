/**
 * An environment's catalog entity, removed: its location goes (which
 * removes the entity), then its files where the platform keeps them (the
 * local catalog directory, or a catalog repository through a pull request
 * or a push).
 */
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { legacyEscEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogDestination } from '../catalogDestinations';
import type { Stewardship } from '../provisioning/stewardship';
import type { DecommissionOutcome, DecommissionTask } from './decommissioner';

type RemovalServices = {
  catalog: CatalogService;
  auth: AuthService;
  destination: CatalogDestination;
  stewardship: Pick<Stewardship, 'isPortalEntity'>;
};

type RemovalTask = Pick<DecommissionTask, 'dryRun' | 'signal' | 'log'>;

/** Removes the environment's entity under its name and the one an earlier release gave it. */
export async function removeFromCatalog(
  services: RemovalServices,
  task: RemovalTask & Pick<DecommissionTask, 'target'>,
  outcome: DecommissionOutcome,
) {
  const { target } = task;
  for (const entityName of new Set([
    target.entityName,
    legacyEscEnvironmentEntityName(target.environment),
  ])) {
    await removeCatalogEntity(
      services,
      { entityName, environmentRef: target.environmentRef },
      task,
      outcome,
    );
  }
}

/** One entity: its location, if the portal registered it, then its files. */
export async function removeCatalogEntity(
  services: RemovalServices,
  entity: { entityName: string; environmentRef: string },
  task: RemovalTask,
  outcome: Pick<DecommissionOutcome, 'removed' | 'kept' | 'alreadyGone'>,
) {
  const { catalog, auth, destination, stewardship } = services;
  const { dryRun } = task;
  const credentials = await auth.getOwnServiceCredentials();
  const entityRef = `resource:default/${entity.entityName}`;
  const found = await catalog.getEntityByRef(entityRef, { credentials });
  if (found && !stewardship.isPortalEntity(found)) {
    // Never remove what someone else registered, whatever its name.
    outcome.kept.push(
      `catalog entity ${entityRef}: it was not registered by the portal`,
    );
    return;
  }
  if (found) {
    outcome.alreadyGone = false;
    outcome.removed.push(`catalog entity ${entityRef}`);
    if (!dryRun) {
      const location = await catalog.getLocationByEntity(entityRef, {
        credentials,
      });
      if (location) {
        await catalog.removeLocationById(location.id, { credentials });
      } else {
        await catalog.removeEntityByUid(found.metadata.uid!, { credentials });
      }
    }
  }
  const files = await destination.remove(entity, {
    dryRun,
    signal: task.signal,
    log: task.log,
  });
  if (files) {
    outcome.alreadyGone = false;
    outcome.removed.push(files);
  }
}
