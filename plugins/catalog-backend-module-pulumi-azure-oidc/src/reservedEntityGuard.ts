import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ESC_ANNOTATIONS,
  ESC_ENVIRONMENT_ENTITY_TYPE,
  isPortalLocation,
  PortalLocations,
  RESERVED_ENTITY_NAME,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { UrlReaderProcessor } from '@backstage/plugin-catalog-backend';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  CatalogProcessorParser,
  CatalogProcessorResult,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';

/**
 * ESC environments' entities are the portal's to write. Anyone may register
 * a URL location, so an entity claiming to be an environment (its type, its
 * `esc-azure-oidc.dev/` annotations, or a name of the portal's reserved
 * shape) from anywhere but the portal's own locations is refused.
 *
 * It is refused where the location is read, before the catalog stores it:
 * the catalog keeps an entity reference for the first location that emits
 * it, so an entity refused only when it is processed would still hold the
 * name and block the real one. URL locations other than the portal's are
 * therefore read here, with the catalog's own `UrlReaderProcessor`, and
 * look-alikes become errors on the location; `preProcessEntity` catches
 * those arriving any other way.
 */
export class ReservedEntityGuard implements CatalogProcessor {
  private readonly reader: UrlReaderProcessor;

  constructor(
    private readonly portal: PortalLocations,
    services: { reader: UrlReaderService; logger: LoggerService },
  ) {
    this.reader = new UrlReaderProcessor(services);
  }

  getProcessorName(): string {
    return 'ReservedEntityGuard';
  }

  /** Before the catalog's UrlReaderProcessor, which has the default of 20. */
  getPriority(): number {
    return 15;
  }

  async readLocation(
    location: LocationSpec,
    optional: boolean,
    emit: CatalogProcessorEmit,
    parser: CatalogProcessorParser,
    cache: CatalogProcessorCache,
  ): Promise<boolean> {
    if (location.type !== 'url' || this.isPortal(location)) return false;
    return this.reader.readLocation(
      location,
      optional,
      (result: CatalogProcessorResult) => {
        const problem =
          result.type === 'entity' &&
          this.refusal(result.entity, result.location);
        emit(
          problem
            ? processingResult.inputError(result.location, problem)
            : result,
        );
      },
      parser,
      cache,
    );
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
  ): Promise<Entity> {
    const problem = this.refusal(entity, location);
    if (problem) throw new InputError(problem);
    return entity;
  }

  private refusal(entity: Entity, location: LocationSpec): string | false {
    if (entity.kind?.toLowerCase() !== 'resource') return false;
    const claimsEnvironment =
      entity.spec?.type === ESC_ENVIRONMENT_ENTITY_TYPE ||
      Object.values(ESC_ANNOTATIONS).some(
        key => entity.metadata?.annotations?.[key] !== undefined,
      ) ||
      RESERVED_ENTITY_NAME.test(entity.metadata?.name ?? '');
    if (!claimsEnvironment || this.isPortal(location)) return false;
    return (
      `Resource ${entity.metadata.name} looks like a Pulumi ESC environment of the portal (its type, annotations or name), ` +
      'which only the portal may register; it is refused from this location'
    );
  }

  private isPortal(location: LocationSpec): boolean {
    return isPortalLocation(`${location.type}:${location.target}`, this.portal);
  }
}
