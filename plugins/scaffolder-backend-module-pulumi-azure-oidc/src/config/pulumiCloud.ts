import { Config } from '@backstage/config';
import {
  checkEscName,
  oidcIssuer,
  PULUMI_CLOUD_API_URL,
  toEntityRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ConfigProblem, PulumiAzureOidcSettings } from './settings';

export const PULUMI_CLOUD_CONSOLE_URL = 'https://app.pulumi.com';

/** `pulumiCloud`: the organization, the API (and the OIDC issuer it implies), the token, the teams. */
export function readPulumiCloud(
  config: Config | undefined,
): PulumiAzureOidcSettings['pulumiCloud'] {
  const apiUrl =
    config?.getOptionalString('pulumiCloud.apiUrl') ?? PULUMI_CLOUD_API_URL;
  let issuer: string;
  try {
    issuer = oidcIssuer(apiUrl);
  } catch (error) {
    throw new ConfigProblem(
      'pulumiCloud.apiUrl',
      `: ${(error as Error).message}`,
    );
  }
  const organization = config?.getOptionalString('pulumiCloud.organization');
  const problem =
    organization === undefined ? undefined : checkEscName(organization);
  if (problem) throw new ConfigProblem('pulumiCloud.organization', problem);
  const accessToken = config?.getOptionalString('pulumiCloud.accessToken');
  const teams = readTeams(config);
  if (teams.length > 0 && accessToken === undefined) {
    throw new ConfigProblem(
      'pulumiCloud.teams',
      'needs pulumiAzureOidc.pulumiCloud.accessToken: the portal grants teams access to the environments it writes with that token',
    );
  }
  return {
    organization,
    apiUrl,
    consoleUrl: (
      config?.getOptionalString('pulumiCloud.consoleUrl') ??
      PULUMI_CLOUD_CONSOLE_URL
    ).replace(/\/+$/, ''),
    accessToken,
    issuer,
    teams,
  };
}

/**
 * `pulumiCloud.teams`: a list of `{ group, team }`, since config keys may
 * not hold the ':' and '/' of an entity reference. Each group once.
 */
function readTeams(
  config: Config | undefined,
): PulumiAzureOidcSettings['pulumiCloud']['teams'] {
  let entries: Config[];
  try {
    entries = config?.getOptionalConfigArray('pulumiCloud.teams') ?? [];
  } catch {
    throw new ConfigProblem(
      'pulumiCloud.teams',
      "must be a list of { group, team }, such as [{ group: 'group:default/payments-team', team: payments }]",
    );
  }
  const seen = new Map<string, number>();
  return entries.map((entry, index) => {
    const key = `pulumiCloud.teams[${index}]`;
    const ref = entry.getString('group');
    const group = toEntityRef(ref, 'group');
    if (!group?.startsWith('group:')) {
      throw new ConfigProblem(
        `${key}.group`,
        `must be a group entity reference such as group:default/payments-team, got '${ref}'`,
      );
    }
    if (seen.has(group)) {
      throw new ConfigProblem(
        `${key}.group`,
        `maps ${group} again, already mapped by pulumiAzureOidc.pulumiCloud.teams[${seen.get(
          group,
        )}]`,
      );
    }
    seen.set(group, index);
    const team = entry.getString('team').trim();
    if (!team) {
      throw new ConfigProblem(`${key}.team`, 'must name a Pulumi Cloud team');
    }
    return { group, team };
  });
}
