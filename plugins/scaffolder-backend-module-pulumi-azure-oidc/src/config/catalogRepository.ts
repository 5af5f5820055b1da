import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { ConfigProblem } from './settings';

/** A catalog repository, as `catalogRepository` configures it. */
export interface CatalogRepository {
  type: 'github' | 'azureDevOps';
  /** The repository's web address, without a trailing slash or `.git`. */
  url: string;
  /** Host (with port, if any), as the integrations name it. */
  host: string;
  /** GitHub: the owner; Azure DevOps: the organization (or collection). */
  owner: string;
  /** Azure DevOps only. */
  project?: string;
  repo: string;
  branch: string;
  path: string;
}

export const DEFAULT_CATALOG_REPOSITORY_BRANCH = 'main';
export const DEFAULT_CATALOG_REPOSITORY_PATH = 'esc-environments';

/** The SCM integration types whose repositories can hold the entity files. */
const DESTINATION_TYPES: Record<string, CatalogRepository['type'] | undefined> =
  { github: 'github', azure: 'azureDevOps' };

/**
 * `catalogRepository`: where entity files go instead of the local catalog
 * directory. The host must be one of the portal's SCM integrations (GitHub
 * or Azure DevOps), whose credentials the portal writes with.
 */
export function readCatalogRepository(
  config: Config | undefined,
  integrations: ScmIntegrations,
): CatalogRepository | undefined {
  const section = config?.getOptionalConfig('catalogRepository');
  if (!section) return undefined;
  const raw = section.getString('url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigProblem(
      'catalogRepository.url',
      `must be a repository's web address such as https://github.com/acme/catalog, got '${raw}'`,
    );
  }
  const integration = integrations.byUrl(url);
  const type = integration && DESTINATION_TYPES[integration.type];
  if (!type) {
    throw new ConfigProblem(
      'catalogRepository.url',
      `must be on a host of the portal's GitHub or Azure DevOps integrations (integrations.github, integrations.azure), got '${url.host}'`,
    );
  }
  const pathname = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const parsed = type === 'github' ? github(segments) : azureDevOps(segments);
  if (!parsed || url.search || url.hash) {
    throw new ConfigProblem(
      'catalogRepository.url',
      type === 'github'
        ? `must be https://${url.host}/<owner>/<repository>, got '${raw}'`
        : `must be https://${url.host}/<organization>/<project>/_git/<repository>, got '${raw}'`,
    );
  }
  return {
    type,
    url: `${url.origin}${pathname}`,
    host: url.host,
    ...parsed,
    branch: readBranch(section),
    path: readPath(section),
  };
}

function github(segments: string[]) {
  const [owner, repo, ...rest] = segments;
  return owner && repo && rest.length === 0 ? { owner, repo } : undefined;
}

function azureDevOps(segments: string[]) {
  const [owner, project, git, repo, ...rest] = segments;
  return owner && project && git === '_git' && repo && rest.length === 0
    ? { owner, project, repo }
    : undefined;
}

/** A branch name git accepts (git-check-ref-format), in the forms people use. */
function readBranch(section: Config): string {
  const branch =
    section.getOptionalString('branch') ?? DEFAULT_CATALOG_REPOSITORY_BRANCH;
  if (
    !/^[A-Za-z0-9._/-]+$/.test(branch) ||
    /^[-/.]|[/.]$|\.\.|\/\/|@\{|\.lock(\/|$)/.test(branch)
  ) {
    throw new ConfigProblem(
      'catalogRepository.branch',
      `must be a branch name such as main, got '${branch}'`,
    );
  }
  return branch;
}

/** A directory inside the repository: relative, with no `.` or `..` parts. */
function readPath(section: Config): string {
  const path = (
    section.getOptionalString('path') ?? DEFAULT_CATALOG_REPOSITORY_PATH
  ).replace(/^\/+|\/+$/g, '');
  const parts = path.split('/');
  if (
    !path ||
    parts.some(
      part =>
        part === '' || part === '.' || part === '..' || /[\\\s]/.test(part),
    )
  ) {
    throw new ConfigProblem(
      'catalogRepository.path',
      `must be a directory inside the repository such as esc-environments, got '${path}'`,
    );
  }
  return path;
}
