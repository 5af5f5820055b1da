import { Config } from '@backstage/config';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { hasMagic } from 'glob';
import { realpath } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Once users may register `file` locations, any file the backend can read
 * would be theirs to point at. This processor runs before the catalog's file
 * reader and lets it read only inside the allowed directories.
 *
 * The reader expands glob patterns and, as configured by the catalog, takes
 * backslashes for separators; a target is therefore judged only once it can
 * mean nothing but itself, and by where it really leads (symbolic links
 * followed), as are the allowed directories: each time, since the local
 * catalog directory appears only once the first environment is published.
 */
export class LocalFileLocationGuard implements CatalogProcessor {
  private readonly directories: string[];
  private readonly configuredTargets: Set<string>;

  /**
   * @param allowedDirectories - where files may be read
   * @param configuredTargets - the `file` targets of `catalog.locations`,
   *   which may be glob patterns: the platform team wrote them
   */
  constructor(allowedDirectories: string[], configuredTargets: string[] = []) {
    this.directories = allowedDirectories.map(directory => resolve(directory));
    this.configuredTargets = new Set(
      configuredTargets.map(target => resolve(target)),
    );
  }

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
    if (
      location.type !== 'file' ||
      this.configuredTargets.has(resolve(location.target))
    ) {
      return false;
    }
    if (
      location.target.includes('\\') ||
      hasMagic(location.target, {
        magicalBraces: true,
        windowsPathsNoEscape: true,
      })
    ) {
      emit(
        processingResult.inputError(
          location,
          `The catalog reads no file location written as a pattern or with backslashes; ${location.target} is one`,
        ),
      );
      return true;
    }
    const target = await realPathOrResolved(location.target);
    const directories = await Promise.all(
      this.directories.map(realPathOrResolved),
    );
    if (directories.some(directory => isInside(target, directory))) {
      return false;
    }
    emit(
      processingResult.inputError(
        location,
        `The catalog only reads files inside ${this.directories.join(', ')}; ${
          location.target
        } is not`,
      ),
    );
    return true;
  }
}

function realPathOrResolved(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

function isInside(target: string, directory: string): boolean {
  const path = relative(directory, target);
  return (
    path !== '' &&
    path !== '..' &&
    !path.startsWith(`..${sep}`) &&
    !path.startsWith(sep)
  );
}

/** The `file` locations of `catalog.locations`, as written. */
export function configuredFileTargets(config: Config): string[] {
  return (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(location => location.getString('type') === 'file')
    .map(location => location.getString('target'));
}

/**
 * The local catalog directory, and the directories of the `file` locations
 * in `catalog.locations` (up to the first glob character), so that Location
 * entities in the portal's own files still load.
 */
export function allowedFileDirectories(
  config: Config,
  localCatalogDirectory: string,
): string[] {
  const configured = configuredFileTargets(config).map(staticDirectory);
  return [...new Set([resolve(localCatalogDirectory), ...configured])];
}

function staticDirectory(target: string): string {
  const segments = target.split(/[\\/]/);
  const firstGlob = segments.findIndex(segment =>
    hasMagic(segment, { magicalBraces: true }),
  );
  return firstGlob < 0
    ? dirname(resolve(target))
    : resolve(segments.slice(0, firstGlob).join('/') || '.');
}
