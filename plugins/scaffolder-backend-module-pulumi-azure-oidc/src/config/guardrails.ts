import { Config } from '@backstage/config';
import {
  canonicalScopePrefix,
  checkEscName,
  checkSubscriptionId,
  Guardrails,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ConfigProblem } from './settings';

/**
 * `guardrails`: what developers may ask for, checked with the rules the
 * requests are checked with.
 */
export function readGuardrails(
  config: Config | undefined,
  defaultOrganization: string | undefined,
): { guardrails: Guardrails; roles: RoleCatalogue } {
  const roles = readRoles(config);
  const guardrails: Guardrails = {
    allowedOrganizations: readOrganizations(config, defaultOrganization),
    allowedSubscriptions: (
      config?.getOptionalConfigArray('guardrails.allowedSubscriptions') ?? []
    ).map((entry, index) => {
      const id = entry.getString('id');
      const problem = checkSubscriptionId(id);
      if (problem) {
        throw new ConfigProblem(
          `guardrails.allowedSubscriptions[${index}].id`,
          problem,
        );
      }
      return { id, name: entry.getOptionalString('name') };
    }),
    allowedRoles:
      config?.getOptionalStringArray('guardrails.allowedRoles') ?? [],
    allowedPrivilegedRoles:
      config?.getOptionalStringArray('guardrails.allowedPrivilegedRoles') ?? [],
    allowedScopePrefixes: config
      ?.getOptionalStringArray('guardrails.allowedScopePrefixes')
      ?.map((prefix, index) => {
        const canonical = canonicalScopePrefix(prefix);
        if ('problem' in canonical) {
          throw new ConfigProblem(
            `guardrails.allowedScopePrefixes[${index}]`,
            canonical.problem,
          );
        }
        return canonical.prefix;
      }),
    allowSubscriptionScope:
      config?.getOptionalBoolean('guardrails.allowSubscriptionScope') ?? false,
    allowIacSubject:
      config?.getOptionalBoolean('guardrails.allowIacSubject') ?? false,
  };
  for (const key of ['allowedRoles', 'allowedPrivilegedRoles'] as const) {
    const unknown = guardrails[key]?.find(role => !roles.find(role));
    if (unknown) {
      throw new ConfigProblem(
        `guardrails.${key}`,
        `names '${unknown}', which is neither a built-in role nor one of guardrails.roles`,
      );
    }
  }
  return { guardrails, roles };
}

function readRoles(config: Config | undefined): RoleCatalogue {
  const entries = (
    config?.getOptionalConfigArray('guardrails.roles') ?? []
  ).map((entry, index) => {
    // No silent default: a custom role that can grant access to others
    // must not become requestable because nobody said it could.
    const privileged = entry.getOptionalBoolean('privileged');
    if (privileged === undefined) {
      throw new ConfigProblem(
        `guardrails.roles[${index}].privileged`,
        'must be stated (true or false): whether the role can grant access to others, such as Microsoft.Authorization/roleAssignments/write',
      );
    }
    return {
      name: entry.getString('name'),
      id: entry.getString('id'),
      privileged,
    };
  });
  try {
    return new RoleCatalogue(entries);
  } catch (error) {
    throw new ConfigProblem(
      'guardrails.roles',
      `: ${(error as Error).message}`,
    );
  }
}

/** The allowed organizations, which must include the default one. */
function readOrganizations(
  config: Config | undefined,
  defaultOrganization: string | undefined,
): string[] {
  const organizations =
    config?.getOptionalStringArray('guardrails.allowedOrganizations') ??
    (defaultOrganization ? [defaultOrganization] : []);
  organizations.forEach((organization, index) => {
    const problem = checkEscName(organization);
    if (problem) {
      throw new ConfigProblem(
        `guardrails.allowedOrganizations[${index}]`,
        problem,
      );
    }
  });
  if (defaultOrganization && !organizations.includes(defaultOrganization)) {
    throw new ConfigProblem(
      'guardrails.allowedOrganizations',
      `must include pulumiAzureOidc.pulumiCloud.organization ('${defaultOrganization}'), which requests use when they name none`,
    );
  }
  return organizations;
}
