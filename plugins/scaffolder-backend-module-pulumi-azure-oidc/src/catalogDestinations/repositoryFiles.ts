/**
 * Where an entity's files lie in a catalog repository, and the web address
 * the catalog reads its entity file from.
 */
import { CATALOG_INFO_FILE } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { posix } from 'node:path';
import type { CatalogRepository } from '../config';

/** `<path>/<entity name>`: the entity's directory in the repository. */
export function entityDirectory(
  repository: CatalogRepository,
  entityName: string,
): string {
  return posix.join(repository.path, entityName);
}

/** The catalog location of the entity file: its web address on the configured branch, as the catalog's URL reader takes it. */
export function entityFileLocation(
  repository: CatalogRepository,
  entityName: string,
): { type: 'url'; target: string } {
  return { type: 'url', target: entityFileUrl(repository, entityName) };
}

function entityFileUrl(repository: CatalogRepository, entityName: string) {
  const file = posix.join(
    entityDirectory(repository, entityName),
    CATALOG_INFO_FILE,
  );
  if (repository.type === 'github') {
    const encoded = file.split('/').map(encodeURIComponent).join('/');
    return `${repository.url}/blob/${repository.branch}/${encoded}`;
  }
  const query = new URLSearchParams({
    path: `/${file}`,
    version: `GB${repository.branch}`,
  });
  return `${repository.url}?${query}`;
}
