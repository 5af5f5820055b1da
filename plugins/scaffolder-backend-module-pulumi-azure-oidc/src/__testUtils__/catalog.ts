import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Location } from '@backstage/catalog-client';

/**
 * An in-memory catalog that also keeps locations, as far as the golden path
 * uses them: each entity's location by its `managed-by-location`
 * annotation, and removing a location removes the entities it produced.
 */
export class CatalogWithLocations extends InMemoryCatalogClient {
  readonly locations: Location[] = [];

  constructor(private readonly entities: Entity[] = []) {
    super({ entities });
    for (const entity of entities) {
      const ref = entity.metadata.annotations?.[ANNOTATION_LOCATION];
      const [type, ...rest] = ref?.split(':') ?? [];
      if (type && !this.locations.some(l => `${l.type}:${l.target}` === ref)) {
        const id = `location-${this.locations.length + 1}`;
        this.locations.push({
          id,
          type,
          target: rest.join(':'),
          entityRef: `location:default/${id}`,
        });
      }
    }
  }

  async getLocationByEntity(entityRef: string | { name: string }) {
    const entity = await this.getEntityByRef(entityRef as string);
    const ref = entity?.metadata.annotations?.[ANNOTATION_LOCATION];
    return this.locations.find(l => `${l.type}:${l.target}` === ref);
  }

  async removeLocationById(id: string) {
    const location = this.locations.find(l => l.id === id);
    if (!location) return;
    this.locations.splice(this.locations.indexOf(location), 1);
    for (const entity of this.entities.filter(
      e =>
        e.metadata.annotations?.[ANNOTATION_LOCATION] ===
        `${location.type}:${location.target}`,
    )) {
      await this.removeEntityByUid(entity.metadata.uid!);
    }
  }
}
