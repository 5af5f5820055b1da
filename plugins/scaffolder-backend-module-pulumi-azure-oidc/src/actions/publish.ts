import { AuthService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { legacyEscEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { removeCatalogEntity } from '../lifecycle/catalogRemoval';
import { parseEnvironmentRef } from '../lifecycle/environmentTarget';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CatalogDestination,
  readEntityFiles,
  registerLocation,
} from '../catalogDestinations';
import { Stewardship } from '../provisioning/stewardship';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './publish.examples';

export const PUBLISH_ACTION_ID = 'pulumi:azureOidc:publish';

/**
 * `pulumi:azureOidc:publish`: puts an environment's entity files where the
 * platform keeps them (`pulumiAzureOidc.catalogRepository`, or the local
 * catalog directory) and registers them in the catalog. The destination is
 * configuration, never an input, so that no requester can make the portal
 * write to a repository of their choosing with its credentials.
 */
export function createPulumiAzureOidcPublishAction(options: {
  destination: CatalogDestination;
  catalog: CatalogService;
  /** The module's own credentials, to move an entity an earlier release named. */
  auth: AuthService;
  /** Who runs the task, so that nobody replaces another team's entity. */
  stewardship: Stewardship;
}) {
  const { destination, catalog, auth, stewardship } = options;
  return createTemplateAction({
    id: PUBLISH_ACTION_ID,
    description:
      "Publishes an ESC environment's entity files where the platform's configuration says (a catalog repository on GitHub or Azure DevOps, or the local catalog directory) and registers them in the catalog.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourcePath: z =>
          z
            .string()
            .default('esc-environment')
            .describe(
              'Workspace directory holding catalog-info.yaml and environment.yaml, as pulumi:azureOidc:writeCatalogInfo wrote them',
            ),
      },
      output: {
        entityRef: z => z.string().describe('The entity published'),
        destination: z =>
          z
            .enum(['local', 'github', 'azureDevOps'])
            .describe('Where the entity files went'),
        pullRequestUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'The pull request adding or changing the files (GitHub), when the run opened or updated one',
            ),
        entityFileUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'Web address of catalog-info.yaml in the catalog repository',
            ),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const sourcePath = ctx.input.sourcePath ?? 'esc-environment';
        const entity = await readEntityFiles(ctx.workspacePath, sourcePath);
        const entityRef = `resource:default/${entity.entityName}`;
        await stewardship.authorize(await stewardship.requester(ctx), {
          verb: 'publish',
          label: entityRef,
          environmentRef: entity.environmentRef,
          entityName: entity.entityName,
          legacyEntityName: legacyName(entity),
          owner: entity.owner,
        });
        const dryRun = ctx.isDryRun ?? false;
        const published = await destination.publish(entity, {
          dryRun,
          log: ctx.logger,
          signal: ctx.signal,
        });
        ctx.output('entityRef', entityRef);
        ctx.output('destination', destination.description.type);
        if (published.pullRequestUrl) {
          ctx.output('pullRequestUrl', published.pullRequestUrl);
        }
        if (published.location.type === 'url') {
          ctx.output('entityFileUrl', published.location.target);
        }
        if (dryRun) {
          ctx.logger.info(
            `Dry run: would register ${entityRef} in the catalog`,
          );
          return;
        }
        const registration = await registerLocation(catalog, {
          location: published.location,
          entityRef,
          credentials: await ctx.getInitiatorCredentials(),
        });
        ctx.logger.info(
          registration === 'registered'
            ? `Registered ${entityRef} in the catalog`
            : `${entityRef} was registered already; asked the catalog to read it again`,
        );
        await retireLegacyEntity(
          { catalog, auth, destination, stewardship },
          entity,
          { dryRun, signal: ctx.signal, log: ctx.logger },
        );
      });
    },
  });
}

/** The name an earlier release gave the entity, when it differs. */
function legacyName(entity: {
  entityName: string;
  environmentRef: string;
}): string | undefined {
  const environment = parseEnvironmentRef(entity.environmentRef);
  const legacy = environment && legacyEscEnvironmentEntityName(environment);
  return legacy && legacy !== entity.entityName ? legacy : undefined;
}

/**
 * Moves an environment to its new entity name: once the new entity is
 * registered, the one an earlier release registered under its guessable
 * name goes, location and files, if the portal registered it.
 */
async function retireLegacyEntity(
  services: Parameters<typeof removeCatalogEntity>[0],
  entity: { entityName: string; environmentRef: string },
  task: Parameters<typeof removeCatalogEntity>[2],
) {
  const legacy = legacyName(entity);
  if (!legacy) return;
  const outcome = {
    removed: [] as string[],
    kept: [] as string[],
    alreadyGone: true,
  };
  await removeCatalogEntity(
    services,
    { entityName: legacy, environmentRef: entity.environmentRef },
    task,
    outcome,
  );
  for (const line of outcome.removed) {
    task.log.info(
      `Moved to resource:default/${entity.entityName}: removed ${line}`,
    );
  }
  for (const line of outcome.kept) task.log.warn(`Kept ${line}`);
}
