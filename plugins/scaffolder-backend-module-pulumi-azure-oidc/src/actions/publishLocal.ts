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
      const { entityName } = ctx.input;
      // An entity name has no path separators, so the target stays inside.
      if (!makeValidator().isValidEntityName(entityName)) {
        throw new InputError(
          `entityName must be a catalog entity name, got '${entityName}'`,
        );
      }
      const sourcePath = ctx.input.sourcePath ?? 'esc-environment';
      const source = resolveSafeChildPath(ctx.workspacePath, sourcePath);
      const target = join(options.directory, entityName);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would copy the entity files to ${target}`);
      } else {
        await mkdir(target, { recursive: true });
        // The two files, as plain files: never links into the rest of the host.
        for (const file of [CATALOG_INFO_FILE, ENVIRONMENT_YAML_FILE]) {
          const from = join(source, file);
          if (!(await lstat(from)).isFile()) {
            throw new InputError(
              `${join(sourcePath, file)} must be a plain file`,
            );
          }
          await writeFile(join(target, file), await readFile(from));
        }
        ctx.logger.info(`Published the entity files to ${target}`);
      }
      ctx.output('directory', target);
      ctx.output('catalogInfoPath', join(target, CATALOG_INFO_FILE));
    },
  });
}
