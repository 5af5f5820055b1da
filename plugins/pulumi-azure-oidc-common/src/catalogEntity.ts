/**
 * How an ESC environment looks in the software catalog: a Resource of type
 * `pulumi-esc-environment`, owned by a team, carrying its ids and its YAML.
 */
import {
  makeValidator,
  parseEntityRef,
  ResourceEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { fingerprint, strongFingerprint } from './hash';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
  SUBJECT_ATTRIBUTES,
  SUBJECT_MODES,
  SubjectAttribute,
  SubjectMode,
} from './oidc';

/** The annotation domain of this project; Pulumi's own is not ours to use. */
export const ANNOTATION_DOMAIN = 'esc-azure-oidc.dev';

export const ESC_ANNOTATIONS = {
  organization: `${ANNOTATION_DOMAIN}/organization`,
  project: `${ANNOTATION_DOMAIN}/project`,
  environment: `${ANNOTATION_DOMAIN}/environment`,
  clientId: `${ANNOTATION_DOMAIN}/client-id`,
  tenantId: `${ANNOTATION_DOMAIN}/tenant-id`,
  subscriptionId: `${ANNOTATION_DOMAIN}/subscription-id`,
  stackName: `${ANNOTATION_DOMAIN}/stack-name`,
  /** `subjectAttributes` or `environment`: how tokens name the environment. */
  subjectMode: `${ANNOTATION_DOMAIN}/subject-mode`,
  /** The login block's subjectAttributes, comma-separated. */
  subjectAttributes: `${ANNOTATION_DOMAIN}/subject-attributes`,
  /** Where the environment YAML lies, relative to the entity's file. */
  environmentYaml: `${ANNOTATION_DOMAIN}/environment-yaml`,
  /** The scaffolder task that last changed the environment. */
  taskId: `${ANNOTATION_DOMAIN}/task-id`,
  /** When that task rendered the entity (ISO 8601). */
  updatedAt: `${ANNOTATION_DOMAIN}/updated-at`,
} as const;

export const ESC_ENVIRONMENT_ENTITY_TYPE = 'pulumi-esc-environment';
export const CATALOG_INFO_FILE = 'catalog-info.yaml';
export const ENVIRONMENT_YAML_FILE = 'environment.yaml';

const ENTITY_NAME_MAX_LENGTH = 63;

const entityValidator = makeValidator();

/**
 * A full entity reference (`kind:namespace/name`) from what a user wrote,
 * where a bare name means `defaultKind` in the default namespace; undefined
 * when it is not a reference the catalog could hold. (parseEntityRef only
 * splits at `:` and `/`; the catalog's own validator says what a kind, a
 * namespace and a name may be.)
 */
export function toEntityRef(
  value: string,
  defaultKind: string,
): string | undefined {
  try {
    const ref = parseEntityRef(value, {
      defaultKind,
      defaultNamespace: 'default',
    });
    const valid =
      entityValidator.isValidKind(ref.kind) &&
      entityValidator.isValidNamespace(ref.namespace) &&
      entityValidator.isValidEntityName(ref.name);
    return valid ? stringifyEntityRef(ref) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<project>-<environment>-<fingerprint>`, lower case, as an entity name:
 * letters and digits separated by single `-`, `_` or `.`, at most 63
 * characters. ESC names may contain every separator, so `a-b/c` and `a/b-c`
 * read alike, and other organizations may use the same names: the
 * fingerprint of the full reference keeps each environment's name its own.
 * Entity names ignore letter case, so the fingerprint does too: references
 * that differ only in case meet at one name, where stewardship tells them
 * apart.
 */
export function escEnvironmentEntityName(ref: EscEnvironmentRef): string {
  return entityName(ref, strongFingerprint);
}

/**
 * The name earlier releases gave the entity, with a 32-bit fingerprint that
 * can be collided with on purpose: read only to move such entities to
 * their new name.
 */
export function legacyEscEnvironmentEntityName(ref: EscEnvironmentRef): string {
  return entityName(ref, fingerprint);
}

/**
 * Entity names the portal reserves: `-` and 16 hex digits at the end, as
 * `escEnvironmentEntityName` makes them. The catalog module refuses such
 * names from anywhere but the portal's own locations, so nobody can
 * register one first.
 */
export const RESERVED_ENTITY_NAME = /-[0-9a-f]{16}$/;

function entityName(
  ref: EscEnvironmentRef,
  hash: (value: string) => string,
): string {
  const suffix = `-${hash(formatEnvironmentRef(ref).toLowerCase())}`;
  const readable = `${ref.project}-${ref.environment}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .slice(0, ENTITY_NAME_MAX_LENGTH - suffix.length)
    .replace(/^[._-]+|[._-]+$/g, '');
  return `${readable}${suffix}`;
}

export interface EscEnvironmentEntityInput {
  environment: EscEnvironmentRef;
  description?: string;
  /** Entity reference of the owner. */
  owner: string;
  /** Entity reference of the system, when the environment belongs to one. */
  system?: string;
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  stackName: string;
  subjectMode: SubjectMode;
  subjectAttributes: SubjectAttribute[];
  environmentYaml: string;
  links: Array<{ title: string; url: string }>;
  /** What Entra trusts: Pulumi Cloud's issuer, the audience, each subject. */
  trust: EscEnvironmentTrust;
  /** Each role the identity holds, where. */
  azureAccess: AzureAccess[];
  /** The answers the environment was made with, for Update to start from. */
  request: JsonObject;
  /** The task that rendered the entity, and when. */
  task?: { id: string; at: string };
}

export type EscEnvironmentTrust = {
  issuer: string;
  audience: string;
  subjects: string[];
};

export type AzureAccess = {
  /** The role's name, or its definition GUID when the catalogue has none. */
  role: string;
  roleDefinitionId: string;
  /** The canonical Azure resource id of the scope. */
  scope: string;
};

export type EscEnvironmentEntity = ResourceEntity & {
  spec: ResourceEntity['spec'] & {
    environmentYaml: string;
    trust: EscEnvironmentTrust;
    azureAccess: AzureAccess[];
    request: JsonObject;
  };
};

export function escEnvironmentEntity(
  input: EscEnvironmentEntityInput,
): EscEnvironmentEntity {
  const { environment } = input;
  const ref = formatEnvironmentRef(environment);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: escEnvironmentEntityName(environment),
      title: ref,
      description:
        input.description ||
        `Pulumi ESC environment ${ref}, logging into Azure through OIDC.`,
      annotations: {
        [ESC_ANNOTATIONS.organization]: environment.organization,
        [ESC_ANNOTATIONS.project]: environment.project,
        [ESC_ANNOTATIONS.environment]: environment.environment,
        [ESC_ANNOTATIONS.clientId]: input.clientId,
        [ESC_ANNOTATIONS.tenantId]: input.tenantId,
        [ESC_ANNOTATIONS.subscriptionId]: input.subscriptionId,
        [ESC_ANNOTATIONS.stackName]: input.stackName,
        [ESC_ANNOTATIONS.subjectMode]: input.subjectMode,
        ...(input.subjectAttributes.length > 0
          ? {
              [ESC_ANNOTATIONS.subjectAttributes]:
                input.subjectAttributes.join(','),
            }
          : {}),
        [ESC_ANNOTATIONS.environmentYaml]: `./${ENVIRONMENT_YAML_FILE}`,
        ...(input.task
          ? {
              [ESC_ANNOTATIONS.taskId]: input.task.id,
              [ESC_ANNOTATIONS.updatedAt]: input.task.at,
            }
          : {}),
      },
      tags: ['pulumi-esc', 'azure', 'oidc'],
      links: input.links,
    },
    spec: {
      type: ESC_ENVIRONMENT_ENTITY_TYPE,
      owner: input.owner,
      ...(input.system ? { system: input.system } : {}),
      // The same text as the file beside the entity, readable without it.
      environmentYaml: input.environmentYaml,
      trust: input.trust,
      azureAccess: input.azureAccess,
      request: input.request,
    },
  };
}

/** The subject mode an entity's annotations record, if they record a valid one. */
export function recordedSubject(
  annotations: Record<string, string> | undefined,
): { subjectMode?: SubjectMode; subjectAttributes?: SubjectAttribute[] } {
  const mode = annotations?.[ESC_ANNOTATIONS.subjectMode] as SubjectMode;
  if (!SUBJECT_MODES.includes(mode)) return {};
  const attributes = (annotations?.[ESC_ANNOTATIONS.subjectAttributes] ?? '')
    .split(',')
    .filter(a => (SUBJECT_ATTRIBUTES as readonly string[]).includes(a));
  return {
    subjectMode: mode,
    subjectAttributes: attributes as SubjectAttribute[],
  };
}

/** The environment an entity's ESC annotations name, when they name all three parts. */
export function environmentFromAnnotations(
  annotations: Record<string, string> | undefined,
): EscEnvironmentRef | undefined {
  const part = (key: keyof typeof ESC_ANNOTATIONS) => {
    const value = annotations?.[ESC_ANNOTATIONS[key]];
    return typeof value === 'string' && value ? value : undefined;
  };
  const organization = part('organization');
  const project = part('project');
  const environment = part('environment');
  return organization && project && environment
    ? { organization, project, environment }
    : undefined;
}

/** `organization/project/environment` from an entity's ESC annotations, when they name all three. */
export function environmentRefFromAnnotations(
  annotations: Record<string, string> | undefined,
): string | undefined {
  const environment = environmentFromAnnotations(annotations);
  return environment && formatEnvironmentRef(environment);
}
