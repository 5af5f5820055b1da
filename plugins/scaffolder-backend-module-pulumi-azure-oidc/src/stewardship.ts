/**
 * Who runs a task, and what the catalog and the local catalog directory
 * record about an environment's owner: the backend's side of the
 * stewardship rules, for the actions to check before they act.
 */
import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  ESC_ANNOTATIONS,
  formatEnvironmentRef,
  identifyRequester,
  OwnershipRecord,
  recordedSubject,
  Requester,
  SubjectAttribute,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface StewardshipOptions {
  userInfo: UserInfoService;
  auth: AuthService;
  catalog: CatalogService;
  /** `pulumiAzureOidc.administrators`: users and groups who act for everyone. */
  administrators: string[];
  /** `pulumiAzureOidc.localCatalog.directory`. */
  localCatalogDirectory: string;
}

export class Stewardship {
  constructor(private readonly options: StewardshipOptions) {}

  /** The signed-in user a task runs for; tasks started by services have none. */
  async requester(ctx: {
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  }): Promise<Requester> {
    const credentials = await ctx.getInitiatorCredentials();
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'This action changes what a team owns, so it runs only for a signed-in user; this task was started by a service.',
      );
    }
    const user = await this.options.userInfo.getUserInfo(credentials);
    return identifyRequester(user, this.options.administrators);
  }

  /**
   * The catalog's record of an environment's entity, whoever may see it:
   * read with the module's own credentials so that permissions cannot hide it.
   * It also says how the environment's tokens name it.
   */
  async catalogRecord(entityName: string): Promise<
    | (OwnershipRecord & {
        subjectMode?: SubjectMode;
        subjectAttributes?: SubjectAttribute[];
      })
    | undefined
  > {
    const entityRef = `resource:default/${entityName}`;
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    if (!entity) return undefined;
    return {
      where: `the catalog entity ${entityRef}`,
      owner: text(entity.spec?.owner),
      environmentRef: environmentRefOf(entity.metadata.annotations),
      ...recordedSubject(entity.metadata.annotations),
    };
  }

  /** The record of the entity file an earlier run left in the local catalog directory. */
  async localRecord(entityName: string): Promise<OwnershipRecord | undefined> {
    const file = join(
      this.options.localCatalogDirectory,
      entityName,
      CATALOG_INFO_FILE,
    );
    const content = await readFile(file, 'utf8').catch(error => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    if (content === undefined) return undefined;
    // A file that cannot be read as one entity records no owner.
    const entity = describeEntityFile(content);
    return {
      where: 'the local catalog directory',
      owner: entity?.owner,
      environmentRef: entity?.environmentRef,
    };
  }
}

/** The single entity a catalog file holds, as far as stewardship goes. */
export interface DescribedEntity {
  kind: string;
  name: string;
  namespace?: string;
  owner: string;
  /** From the entity's ESC annotations, when it has them. */
  environmentRef?: string;
}

/** The entity a catalog file holds, if it holds exactly one with an owner. */
export function describeEntityFile(
  content: string,
): DescribedEntity | undefined {
  const documents = parseAllDocuments(content);
  if (documents.length !== 1 || documents[0].errors.length > 0) {
    return undefined;
  }
  const entity = documents[0].toJS() as
    | {
        kind?: unknown;
        metadata?: {
          name?: unknown;
          namespace?: unknown;
          annotations?: Record<string, string>;
        };
        spec?: { owner?: unknown };
      }
    | undefined;
  const kind = text(entity?.kind);
  const name = text(entity?.metadata?.name);
  const owner = text(entity?.spec?.owner);
  if (!kind || !name || !owner) return undefined;
  return {
    kind,
    name,
    namespace: text(entity?.metadata?.namespace),
    owner,
    environmentRef: environmentRefOf(entity?.metadata?.annotations),
  };
}

/** `organization/project/environment` from an entity's ESC annotations. */
function environmentRefOf(
  annotations: Record<string, string> | undefined,
): string | undefined {
  const organization = text(annotations?.[ESC_ANNOTATIONS.organization]);
  const project = text(annotations?.[ESC_ANNOTATIONS.project]);
  const environment = text(annotations?.[ESC_ANNOTATIONS.environment]);
  return organization && project && environment
    ? formatEnvironmentRef({ organization, project, environment })
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
