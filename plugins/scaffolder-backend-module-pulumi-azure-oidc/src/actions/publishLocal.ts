import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  ENVIRONMENT_YAML_FILE,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEntityFile, Stewardship } from '../provisioning/stewardship';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './publishLocal.examples';

export const PUBLISH_LOCAL_ACTION_ID = 'pulumi:azureOidc:publishLocal';

/**
 * `pulumi:azureOidc:publishLocal`: for portals without a git host, keeps an
 * environment's entity files in the local catalog directory, one directory
 * per entity, replacing what an earlier run wrote there.
 */
export function createPulumiAzureOidcPublishLocalAction(options: {
  /** The local catalog directory (`pulumiAzureOidc.localCatalog.directory`). */
  directory: string;
  /** Who runs the task, so that nobody replaces another team's entity. */
  stewardship: Stewardship;
}) {
  return createTemplateAction({
    id: PUBLISH_LOCAL_ACTION_ID,
    description:
      'Copies the entity files of an ESC environment into the local catalog directory (pulumiAzureOidc.localCatalog.directory), one directory per entity.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityName: z =>
          z.string().describe('The entity name: the directory to publish into'),
        sourcePath: z =>
          z
            .string()
            .default('esc-environment')
            .describe(
              'Workspace directory holding catalog-info.yaml and environment.yaml',
            ),
      },
      output: {
        directory: z => z.string().describe('Where the files now are'),
        catalogInfoPath: z =>
          z.string().describe('Absolute path of catalog-info.yaml'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const { entityName } = ctx.input;
        // An entity name has no path separators, so the target stays inside;
        // in lower case, as the catalog compares names, it has one directory.
        if (
          !makeValidator().isValidEntityName(entityName) ||
          entityName !== entityName.toLowerCase()
        ) {
          throw new InputError(
            `entityName must be a catalog entity name in lower case, got '${entityName}'`,
          );
        }
        const sourcePath = ctx.input.sourcePath ?? 'esc-environment';
        const source = resolveSafeChildPath(ctx.workspacePath, sourcePath);
        const target = join(options.directory, entityName);
        const files = await readPlainFiles(source, sourcePath);

        // One ESC environment's entity, named as its directory, owned by
        // someone the user acts for, and not replacing another owner's.
        const entity = describeEntityFile(files[CATALOG_INFO_FILE]);
        if (
          entity?.kind !== 'Resource' ||
          entity.name !== entityName ||
          (entity.namespace ?? 'default') !== 'default' ||
          !entity.environmentRef
        ) {
          throw new InputError(
            `${join(
              sourcePath,
              CATALOG_INFO_FILE,
            )} must hold exactly one Resource, the ESC environment '${entityName}' of the default namespace, as pulumi:azureOidc:writeCatalogInfo writes it`,
          );
        }
        await options.stewardship.authorize(
          await options.stewardship.requester(ctx),
          {
            verb: 'publish',
            label: entityName,
            environmentRef: entity.environmentRef,
            entityName,
            owner: entity.owner,
          },
        );

        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would copy the entity files to ${target}`);
        } else {
          await mkdir(target, { recursive: true });
          for (const [file, content] of Object.entries(files)) {
            await writeFile(join(target, file), content);
          }
          ctx.logger.info(`Published the entity files to ${target}`);
        }
        ctx.output('directory', target);
        ctx.output('catalogInfoPath', join(target, CATALOG_INFO_FILE));
      });
    },
  });
}

/** The two files, as plain files: never links into the rest of the host. */
async function readPlainFiles(
  source: string,
  sourcePath: string,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const file of [CATALOG_INFO_FILE, ENVIRONMENT_YAML_FILE]) {
    const from = join(source, file);
    const stat = await lstat(from).catch(() => undefined);
    if (!stat?.isFile()) {
      throw new InputError(`${join(sourcePath, file)} must be a plain file`);
    }
    files[file] = await readFile(from, 'utf8');
  }
  return files;
}
