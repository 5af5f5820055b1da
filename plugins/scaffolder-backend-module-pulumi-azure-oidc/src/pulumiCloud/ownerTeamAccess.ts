/**
 * Who may open an environment the portal writes. Ownership in the portal
 * guards changes, but in Pulumi Cloud whoever may open an environment acts
 * as its Azure service principal. When the platform maps the owner's group
 * to a Pulumi Cloud team (`pulumiAzureOidc.pulumiCloud.teams`), that team
 * gets `open`, never more; anything beyond is an administrator's to grant.
 * Whether every other member may open it too is the organization's default
 * environment permission, which the verify action reports.
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { isError } from '@backstage/errors';
import { EscEnvironments, TeamGrant } from './escEnvironments';

/** `pulumiAzureOidc.pulumiCloud.teams`: group entity reference → team. */
export type TeamMapping = ReadonlyArray<{ group: string; team: string }>;

/** The environment exists, but its owner's team could not be granted `open`. */
export class TeamGrantFailedError extends Error {
  name = 'TeamGrantFailedError';
  constructor(message: string, readonly cause: unknown) {
    super(message);
  }
}

/** The team mapped to `owner`, if any (entity references ignore case). */
export function teamOf(teams: TeamMapping, owner: string): string | undefined {
  const wanted = owner.toLocaleLowerCase('en-US');
  return teams.find(t => t.group.toLocaleLowerCase('en-US') === wanted)?.team;
}

/**
 * Grants the owner's team `open` on `environment`, which the caller has
 * just written; logs one line either way. Undefined when no team is
 * mapped to the owner, and nothing is granted.
 */
export async function grantOwnerTeamOpen(options: {
  escEnvironments: EscEnvironments;
  teams: TeamMapping;
  environment: EscEnvironmentRef;
  owner: string;
  log: { info(line: string): void };
  signal?: AbortSignal;
}): Promise<TeamGrant | undefined> {
  const { escEnvironments, environment, owner, log, signal } = options;
  const ref = formatEnvironmentRef(environment);
  const team = teamOf(options.teams, owner);
  if (!team) {
    log.info(
      `No Pulumi Cloud team is mapped to ${owner} (pulumiAzureOidc.pulumiCloud.teams), so no team was granted access to ${ref}: the organization's default environment permission decides which members may open it`,
    );
    return undefined;
  }
  let grant: TeamGrant;
  try {
    grant = await escEnvironments.grantTeamOpen(environment, team, signal);
  } catch (error) {
    const cause = (isError(error) ? error.message : String(error)).replace(
      /[.\s]+$/,
      '',
    );
    throw new TeamGrantFailedError(
      `The ESC environment ${ref} was written, but granting the Pulumi Cloud team '${team}' (mapped to ${owner} in pulumiAzureOidc.pulumiCloud.teams) open on it failed: ${cause}. ` +
        `Check that the team exists in the organization ${environment.organization}, that the organization's edition has teams (Enterprise or Business Critical), ` +
        `and that pulumiAzureOidc.pulumiCloud.accessToken belongs to an organization admin or an admin of the team; then run the template again, which grants only what is missing.`,
      error,
    );
  }
  log.info(
    {
      granted: `Granted the Pulumi Cloud team '${team}' (${owner}) open on ${ref}`,
      raised: `Raised the Pulumi Cloud team '${team}' (${owner}) to open on ${ref}`,
      unchanged: `The Pulumi Cloud team '${team}' (${owner}) already may open ${ref}`,
      broader: `The Pulumi Cloud team '${team}' (${owner}) holds more than open on ${ref}, as an administrator granted it; left as it is`,
    }[grant],
  );
  return grant;
}
