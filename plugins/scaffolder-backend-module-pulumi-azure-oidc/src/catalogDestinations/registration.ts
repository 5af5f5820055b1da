import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, isError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';

/**
 * Registers the location an entity's file lies at; when it is registered
 * already, asks the catalog to read it again, so that a second run updates
 * the entity now rather than at the next processing cycle. An entity of the
 * same name from elsewhere is refused here, as the catalog would only report
 * the conflict in processing.
 */
export async function registerLocation(
  catalog: CatalogService,
  options: {
    location: { type: string; target: string };
    entityRef: string;
    credentials: BackstageCredentials;
  },
): Promise<'registered' | 'refreshed'> {
  const { location, entityRef, credentials } = options;
  const existing = await catalog.getEntityByRef(entityRef, { credentials });
  const managedBy =
    existing?.metadata.annotations?.['backstage.io/managed-by-location'];
  if (managedBy && managedBy !== `${location.type}:${location.target}`) {
    throw new ConflictError(
      `The catalog already has ${entityRef} from another location; unregister it there before publishing it here`,
    );
  }
  try {
    await catalog.addLocation(location, { credentials });
    return 'registered';
  } catch (error) {
    if (!isConflict(error)) throw error;
    const locationEntity = stringifyEntityRef({
      kind: 'Location',
      namespace: 'default',
      name: locationSpecToMetadataName(location),
    });
    await catalog.refreshEntity(locationEntity, { credentials });
    return 'refreshed';
  }
}

/** A location that exists already: a ConflictError, or a 409 from the catalog's API. */
function isConflict(error: unknown): boolean {
  if (!isError(error)) return false;
  const { statusCode, cause } = error as {
    statusCode?: number;
    cause?: { name?: string };
  };
  return (
    error.name === 'ConflictError' ||
    statusCode === 409 ||
    cause?.name === 'ConflictError'
  );
}
