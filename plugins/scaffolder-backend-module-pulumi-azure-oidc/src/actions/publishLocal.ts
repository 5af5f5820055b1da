import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  checkOwnerChoice,
  checkRecordedOwner,
  ENVIRONMENT_YAML_FILE,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Stewardship } from '../stewardship';
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
      const files = await readPlainFiles(source, sourcePath);

      // One entity, named as its directory, owned by someone the user acts for,
      // and not replacing another owner's.
      const requester = await options.stewardship.requester(ctx);
      const entity = describeEntity(files[CATALOG_INFO_FILE]);
      if (entity?.name !== entityName) {
        throw new InputError(
          `${join(
            sourcePath,
            CATALOG_INFO_FILE,
          )} must hold exactly one entity, named '${entityName}'`,
        );
      }
      const ownerProblem = checkOwnerChoice(requester, entity.owner);
      if (ownerProblem) {
        throw new NotAllowedError(
          `Cannot publish ${entityName}: its owner ${ownerProblem}`,
        );
      }
      const published = await readFile(join(target, CATALOG_INFO_FILE), 'utf8')
        .then(describeEntity)
        .catch(error => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            return undefined;
          throw error;
        });
      const recordedProblem = checkRecordedOwner(
        requester,
        published?.owner,
        'the local catalog directory',
      );
      if (recordedProblem) {
        throw new NotAllowedError(
          `Cannot publish ${entityName}: it ${recordedProblem}`,
        );
      }

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

/** The name and owner of the single entity a catalog file holds, if it holds one. */
function describeEntity(
  text: string,
): { name: string; owner: string } | undefined {
  const documents = parseAllDocuments(text);
  if (documents.length !== 1 || documents[0].errors.length > 0) {
    return undefined;
  }
  const entity = documents[0].toJS() as
    | { metadata?: { name?: unknown }; spec?: { owner?: unknown } }
    | undefined;
  const name = entity?.metadata?.name;
  const owner = entity?.spec?.owner;
  return typeof name === 'string' && typeof owner === 'string'
    ? { name, owner }
    : undefined;
}
