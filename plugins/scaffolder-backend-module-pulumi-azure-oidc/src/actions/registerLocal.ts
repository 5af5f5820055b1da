import { ConflictError, InputError, isError } from '@backstage/errors';
import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_INFO_FILE } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { relative, resolve, sep } from 'node:path';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './registerLocal.examples';

export const REGISTER_LOCAL_ACTION_ID = 'pulumi:azureOidc:registerLocal';

/**
 * `pulumi:azureOidc:registerLocal`: registers an entity file of the local
 * catalog directory as a `file` location; when it is registered already, asks
 * the catalog to read it again, so a second run updates the entity.
 */
export function createPulumiAzureOidcRegisterLocalAction(options: {
  catalog: CatalogService;
  /** The local catalog directory (`pulumiAzureOidc.localCatalog.directory`). */
  directory: string;
}) {
  const { catalog } = options;
  return createTemplateAction({
    id: REGISTER_LOCAL_ACTION_ID,
    description:
      'Registers a catalog-info.yaml of the local catalog directory as a file location, or refreshes its entity when it is registered already.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string()
            .describe(
              'Absolute path of catalog-info.yaml inside the local catalog directory',
            ),
        entityRef: z => z.string().describe('The entity the file describes'),
      },
      output: {
        entityRef: z => z.string(),
        locationTarget: z =>
          z.string().describe('The registered file location'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const { entityRef } = ctx.input;
        const target = resolve(ctx.input.catalogInfoPath);
        // <directory>/<entity name>/catalog-info.yaml, as publishLocal writes it:
        // nothing the catalog's file reader could read as a pattern.
        const [entityDirectory, file, ...rest] = relative(
          resolve(options.directory),
          target,
        ).split(sep);
        if (
          rest.length > 0 ||
          file !== CATALOG_INFO_FILE ||
          !makeValidator().isValidEntityName(entityDirectory)
        ) {
          throw new InputError(
            `catalogInfoPath must be <entity name>/${CATALOG_INFO_FILE} inside the local catalog directory ${options.directory}, got '${ctx.input.catalogInfoPath}'`,
          );
        }
        ctx.output('entityRef', entityRef);
        ctx.output('locationTarget', target);
        if (ctx.isDryRun) {
          ctx.logger.info(
            `Dry run: would register file:${target} for ${entityRef}`,
          );
          return;
        }

        const credentials = await ctx.getInitiatorCredentials();
        // An entity of the same name from elsewhere would make ours a conflict
        // the catalog only reports in processing: refuse it here instead.
        const existing = await catalog.getEntityByRef(entityRef, {
          credentials,
        });
        const managedBy =
          existing?.metadata.annotations?.['backstage.io/managed-by-location'];
        if (managedBy && managedBy !== `file:${target}`) {
          throw new ConflictError(
            `The catalog already has ${entityRef} from ${managedBy}; unregister it there before publishing it locally`,
          );
        }

        try {
          await catalog.addLocation({ type: 'file', target }, { credentials });
          ctx.logger.info(
            `Registered file:${target}; the catalog shows ${entityRef} once it has read it`,
          );
        } catch (error) {
          if (!isConflict(error)) throw error;
          // Read the file again now, rather than at the next processing cycle.
          const location = stringifyEntityRef({
            kind: 'Location',
            namespace: 'default',
            name: locationSpecToMetadataName({ type: 'file', target }),
          });
          await catalog.refreshEntity(location, { credentials });
          ctx.logger.info(
            `file:${target} was registered already; asked the catalog to read ${entityRef} again`,
          );
        }
      });
    },
  });
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
