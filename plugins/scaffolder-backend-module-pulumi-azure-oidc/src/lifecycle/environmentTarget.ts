/**
 * The environment an action or a route acts on, as its input names it: the
 * catalog entity's reference (`resource:default/<name>`), or
 * `organization/project/environment`.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  checkEscName,
  EscEnvironmentRef,
  escEnvironmentEntityName,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Stewardship } from '../provisioning/stewardship';

export interface EnvironmentTarget {
  environment: EscEnvironmentRef;
  /** `organization/project/environment`. */
  environmentRef: string;
  entityName: string;
}

/** `organization/project/environment`, each part an ESC name; undefined otherwise. */
export function parseEnvironmentRef(
  value: string,
): EscEnvironmentRef | undefined {
  const parts = value.split('/');
  if (parts.length !== 3 || parts.some(part => checkEscName(part))) {
    return undefined;
  }
  const [organization, project, environment] = parts;
  return { organization, project, environment };
}

export async function resolveEnvironment(
  field: string,
  value: string,
  stewardship: Stewardship,
): Promise<EnvironmentTarget> {
  const direct = parseEnvironmentRef(value);
  if (direct) return target(direct);
  let name: string;
  try {
    const ref = parseEntityRef(value, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    });
    if (ref.kind.toLowerCase() !== 'resource' || ref.namespace !== 'default') {
      throw new Error('not an ESC environment');
    }
    name = ref.name;
  } catch {
    throw new InputError(
      `${field} must be an ESC environment's catalog entity (resource:default/<name>) or organization/project/environment, got '${value}'`,
    );
  }
  const record = await stewardship.catalogRecord(name);
  const recorded = record?.environmentRef
    ? parseEnvironmentRef(record.environmentRef)
    : undefined;
  if (!recorded) {
    throw new NotFoundError(
      record
        ? `${field}: the catalog entity resource:default/${name} names no ESC environment in its annotations`
        : `${field}: the catalog has no entity resource:default/${name}`,
    );
  }
  return target(recorded);
}

function target(environment: EscEnvironmentRef): EnvironmentTarget {
  return {
    environment,
    environmentRef: formatEnvironmentRef(environment),
    entityName: escEnvironmentEntityName(environment),
  };
}
