/**
 * The two files of an environment's entity, as pulumi:azureOidc:writeCatalogInfo
 * writes them into the workspace, read back and checked before they go
 * anywhere the catalog reads.
 */
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  ENVIRONMENT_YAML_FILE,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { lstat, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { describeEntityFile } from '../provisioning/stewardship';

export const ENTITY_FILES = [CATALOG_INFO_FILE, ENVIRONMENT_YAML_FILE] as const;

export interface EntityFiles {
  /** The entity's name: the directory its files go into. */
  entityName: string;
  /** `organization/project/environment`, from its annotations. */
  environmentRef: string;
  owner: string;
  /** Content by file name. */
  files: Record<(typeof ENTITY_FILES)[number], string>;
}

/**
 * The directory of the entity's files in the workspace, as input `field`
 * names it; an input error when it leaves the workspace or holds control
 * characters (which name no file, and on which Node's fs throws a TypeError).
 */
export function workspaceDirectory(
  field: string,
  workspacePath: string,
  path: string,
): string {
  if (/\p{Cc}/u.test(path)) {
    throw new InputError(
      `${field} must be a directory of the workspace, without control characters; got ${JSON.stringify(
        path,
      )}`,
    );
  }
  try {
    return resolveSafeChildPath(workspacePath, path);
  } catch (error) {
    throw new InputError(
      `${field} must be a directory inside the workspace; got '${path}'`,
      error,
    );
  }
}

/**
 * The files under `sourcePath` of the workspace, which must hold exactly one
 * Resource of the default namespace: an ESC environment with a name in lower
 * case (as the catalog compares names, so it has one directory).
 */
export async function readEntityFiles(
  workspacePath: string,
  sourcePath: string,
): Promise<EntityFiles> {
  const source = workspaceDirectory('sourcePath', workspacePath, sourcePath);
  const files = {} as EntityFiles['files'];
  for (const file of ENTITY_FILES) {
    const path = join(source, file);
    // Plain files only: never a link into the rest of the host.
    const stat = await lstat(path).catch(() => undefined);
    if (!stat) {
      // Backstage's task recovery resumes a task after its last completed
      // step with an empty workspace unless a workspace provider is set up.
      throw new InputError(
        `${posix.join(
          sourcePath,
          file,
        )} is not in the task's workspace: pulumi:azureOidc:writeCatalogInfo writes it in an earlier step. If this task was resumed after its backend stopped, run the template again: it converges on what was provisioned.`,
      );
    }
    if (!stat.isFile()) {
      throw new InputError(
        `${posix.join(sourcePath, file)} must be a plain file`,
      );
    }
    files[file] = await readFile(path, 'utf8');
  }
  const entity = describeEntityFile(files[CATALOG_INFO_FILE]);
  if (
    entity?.kind !== 'Resource' ||
    (entity.namespace ?? 'default') !== 'default' ||
    !entity.environmentRef ||
    !makeValidator().isValidEntityName(entity.name) ||
    entity.name !== entity.name.toLowerCase()
  ) {
    throw new InputError(
      `${posix.join(
        sourcePath,
        CATALOG_INFO_FILE,
      )} must hold exactly one Resource of the default namespace, an ESC environment named in lower case, as pulumi:azureOidc:writeCatalogInfo writes it`,
    );
  }
  return {
    entityName: entity.name,
    environmentRef: entity.environmentRef,
    owner: entity.owner,
    files,
  };
}
