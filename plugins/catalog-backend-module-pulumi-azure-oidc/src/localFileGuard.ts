import { Config } from '@backstage/config';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Once users may register `file` locations, any file the backend can read
 * would be theirs to point at. This processor runs before the catalog's file
 * reader and lets it read only inside the allowed directories.
 */
export class LocalFileLocationGuard implements CatalogProcessor {
  constructor(private readonly allowedDirectories: string[]) {}

  getProcessorName(): string {
    return 'LocalFileLocationGuard';
  }

  /** Before the catalog's FileReaderProcessor, which has the default of 20. */
  getPriority(): number {
    return 10;
  }

  async readLocation(
    location: LocationSpec,
    _optional: boolean,
    emit: CatalogProcessorEmit,
  ): Promise<boolean> {
    if (location.type !== 'file') {
      return false;
    }
    const target = resolve(location.target);
    if (
      this.allowedDirectories.some(directory => isInside(target, directory))
    ) {
      return false;
    }
    emit(
      processingResult.inputError(
        location,
        `The catalog only reads files inside ${this.allowedDirectories.join(
          ', ',
        )}; ${location.target} is not`,
      ),
    );
    return true;
  }
}

function isInside(target: string, directory: string): boolean {
  const path = relative(directory, target);
  return (
    path !== '' &&
    !path.startsWith(`..${sep}`) &&
    path !== '..' &&
    !path.startsWith(sep)
  );
}

/**
 * The local catalog directory, and the directories of the `file` locations
 * in `catalog.locations` (up to the first glob character), so that the
 * portal's own templates and org data still load.
 */
export function allowedFileDirectories(
  config: Config,
  localCatalogDirectory: string,
): string[] {
  const configured = (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(location => location.getString('type') === 'file')
    .map(location => staticDirectory(location.getString('target')));
  return [...new Set([resolve(localCatalogDirectory), ...configured])];
}

function staticDirectory(target: string): string {
  const segments = target.split(/[\\/]/);
  const firstGlob = segments.findIndex(segment => /[*?[\]{}]/.test(segment));
  return firstGlob < 0
    ? dirname(resolve(target))
    : resolve(segments.slice(0, firstGlob).join('/') || '.');
}
