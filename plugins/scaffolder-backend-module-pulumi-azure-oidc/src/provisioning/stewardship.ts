/**
 * Stewardship answers one question: may this requester change (or hand
 * over, or remove) this environment? It reads who runs the task, and what
 * the catalog, the local catalog directory and the environment's stack
 * record about its owner; the rules themselves are the common package's.
 */
import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  checkOwnerChoice,
  checkRecord,
  environmentRefFromAnnotations,
  EscEnvironmentRef,
  identifyRequester,
  isPortalLocation,
  OwnershipRecord,
  recordedSubject,
  Requester,
  SubjectAttribute,
  SubjectMode,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { EnvironmentEngine } from '../engine/engine';
import type { StackState } from '../engine/stackModel';
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
  /** `pulumiAzureOidc.catalogRepository.url`, when entities go to a repository. */
  catalogRepositoryUrl?: string;
}

/** What the catalog records of an environment: its owner and subject. */
export type CatalogRecord = OwnershipRecord & {
  subjectMode?: SubjectMode;
  subjectAttributes?: SubjectAttribute[];
};

/** The change a requester asks for, in the words of its refusal. */
export interface ChangeRequest {
  /** `provision`, `publish`, `decommission`: "Cannot <verb> <label>". */
  verb: string;
  environmentRef: string;
  /** The name of the environment's catalog entity. */
  entityName: string;
  /**
   * The name an earlier release gave it (`legacyEscEnvironmentEntityName`),
   * whose records count until the entity moves to its new name.
   */
  legacyEntityName?: string;
  /** The owner the change gives the environment, when it gives one. */
  owner?: string;
  /** What the refusal calls the environment; its reference by default. */
  label?: string;
}

export class Stewardship {
  constructor(private readonly options: StewardshipOptions) {}

  /**
   * Refuses, before any cloud is asked, a change the requester may not make:
   * an owner they may not choose, or an environment the catalog or the
   * local catalog directory gives to someone else. Returns the catalog's
   * record for the caller to read.
   */
  async authorize(
    requester: Requester,
    change: ChangeRequest,
  ): Promise<CatalogRecord | undefined> {
    const refuse = (problem: string | undefined) => {
      if (problem) {
        throw new NotAllowedError(
          `Cannot ${change.verb} ${
            change.label ?? change.environmentRef
          }: ${problem}.`,
        );
      }
    };
    if (change.owner) {
      const problem = checkOwnerChoice(requester, change.owner);
      refuse(problem && `its owner ${problem.replace(/\.$/, '')}`);
    }
    const catalog = await this.catalogRecord(change.entityName);
    const records = [catalog, await this.localRecord(change.entityName)];
    if (change.legacyEntityName) {
      records.push(
        await this.catalogRecord(change.legacyEntityName),
        await this.localRecord(change.legacyEntityName),
      );
    }
    for (const record of records) {
      const problem = checkRecord(requester, change.environmentRef, record);
      refuse(problem && `it ${problem}`);
    }
    return catalog;
  }

  /** The same question of the stack's record, asked under the engine's lock. */
  authorizeStack(
    requester: Requester,
    change: Pick<ChangeRequest, 'verb' | 'environmentRef'>,
    stackName: string,
    state: StackState,
  ): void {
    const held = state.resources > 0 || state.owner;
    const problem = checkRecord(
      requester,
      change.environmentRef,
      held
        ? {
            where: `its Pulumi stack ${stackName}`,
            owner: state.owner,
            environmentRef: state.environmentRef,
          }
        : undefined,
    );
    if (problem) {
      throw new NotAllowedError(
        `Cannot ${change.verb} ${change.environmentRef}: it ${problem}.`,
      );
    }
  }

  /**
   * Both questions, of an environment that may exist: the catalog's and the
   * local file's record, then its stack's. Returns what the stack records.
   */
  async authorizeEnvironment(
    requester: Requester,
    change: ChangeRequest,
    environment: EscEnvironmentRef,
    engine: Pick<EnvironmentEngine, 'outputs' | 'stackName'>,
    signal?: AbortSignal,
  ): Promise<StackState> {
    await this.authorize(requester, change);
    const state = await engine.outputs(environment, { signal });
    this.authorizeStack(
      requester,
      change,
      engine.stackName(environment),
      state,
    );
    return state;
  }

  /** The signed-in user a task runs for; tasks started by services have none. */
  async requester(ctx: {
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  }): Promise<Requester> {
    return this.requesterFor(await ctx.getInitiatorCredentials());
  }

  /** The user behind credentials, as stewardship sees them. */
  async requesterFor(credentials: BackstageCredentials): Promise<Requester> {
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
  async catalogRecord(entityName: string): Promise<CatalogRecord | undefined> {
    const entityRef = `resource:default/${entityName}`;
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    // Only the portal's own entities, naming an environment, record who
    // owns it: an entity someone registered elsewhere under a predicted
    // name neither blocks the environment nor takes it over.
    if (!entity || !this.isPortalEntity(entity)) return undefined;
    return {
      where: `the catalog entity ${entityRef}`,
      owner: text(entity.spec?.owner),
      environmentRef: environmentRefFromAnnotations(
        entity.metadata.annotations,
      ),
      ...recordedSubject(entity.metadata.annotations),
    };
  }

  /** Whether the portal registered this entity of an ESC environment, from its own location. */
  isPortalEntity(entity: Entity): boolean {
    const annotations = entity.metadata.annotations;
    return (
      !!environmentRefFromAnnotations(annotations) &&
      isPortalLocation(annotations?.[ANNOTATION_LOCATION], {
        localCatalogDirectory: this.options.localCatalogDirectory,
        catalogRepositoryUrl: this.options.catalogRepositoryUrl,
      })
    );
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
    environmentRef: environmentRefFromAnnotations(
      entity?.metadata?.annotations,
    ),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
