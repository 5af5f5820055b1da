import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  DEFAULT_DATA_DIRECTORY,
  localCatalogDirectory,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { resolve } from 'node:path';
import { ConfigProblem } from './settings';

/** `dataDirectory` and `localCatalog.directory`, resolved against the working directory. */
export function readDirectories(config: Config | undefined): {
  dataDirectory: string;
  localCatalogDirectory: string;
} {
  const dataDirectory = config?.getOptionalString('dataDirectory');
  return {
    dataDirectory: resolve(dataDirectory ?? DEFAULT_DATA_DIRECTORY),
    localCatalogDirectory: resolve(
      localCatalogDirectory({
        dataDirectory,
        directory: config?.getOptionalString('localCatalog.directory'),
      }),
    ),
  };
}

/**
 * `administrators`: the golden path's one list of who acts for every
 * owner, as full entity references.
 */
export function readAdministrators(config: Config | undefined): string[] {
  return (config?.getOptionalStringArray('administrators') ?? []).map(
    (ref, index) => {
      try {
        return stringifyEntityRef(parseEntityRef(ref));
      } catch {
        throw new ConfigProblem(
          `administrators[${index}]`,
          `must be a full entity reference such as group:default/platform-team, got '${ref}'`,
        );
      }
    },
  );
}
