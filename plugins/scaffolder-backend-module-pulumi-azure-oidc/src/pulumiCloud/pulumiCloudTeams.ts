/**
 * Who may open the portal's ESC environments, through the organization and
 * team endpoints of Pulumi Cloud's REST API (cited where they are called).
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  DefaultEnvironmentPermission,
  ENVIRONMENT_PERMISSIONS,
  EnvironmentPermission,
  opens,
  TeamGrant,
} from './escEnvironments';
import { PulumiCloudApi } from './pulumiCloudApi';

export class PulumiCloudTeams {
  constructor(private readonly api: PulumiCloudApi) {}

  /**
   * `GET /api/orgs/{org}/teams/{team}` (the team, with `environments`: the
   * `{ projectName, envName, permission }` it holds), then, only where the
   * team holds less than `open`, one `PATCH` of the same path with
   * `{ addEnvironmentPermission: { projectName, envName, permission: 'open' } }`
   * or, when it holds `none` or `read`, `editEnvironmentPermission` with the
   * same fields; Pulumi Cloud answers 204. Documented at
   * https://www.pulumi.com/docs/administration/concepts/rbac/teams/#managing-environment-access-via-the-rest-api
   * (pulumi/docs content/docs/administration/concepts/rbac/teams.md) and in
   * Pulumi Cloud's OpenAPI description (operations GetTeam and UpdateTeam,
   * schemas Team, UpdateTeamRequest and TeamEnvironmentSettings; vendored in
   * pulumi/pulumi-pulumiservice provider/pkg/cloud/spec.json; also
   * https://www.pulumi.com/docs/reference/cloud-rest-api/schema/team/ and
   * https://www.pulumi.com/docs/reference/cloud-rest-api/schema/updateteamrequest/).
   *
   * What `addEnvironmentPermission` does for a team that already holds the
   * environment is not documented, so the grant reads first and never adds
   * twice: calling it again is safe. The `PATCH` is a write and is sent once.
   */
  async grantTeamOpen(
    environment: EscEnvironmentRef,
    team: string,
    signal?: AbortSignal,
  ): Promise<TeamGrant> {
    const ref = formatEnvironmentRef(environment);
    const path = `api/orgs/${encodeURIComponent(
      environment.organization,
    )}/teams/${encodeURIComponent(team)}`;
    const read = await this.api.call(signal, {
      operation: `reading the team '${team}' to grant it open on the ESC environment ${ref}`,
      method: 'GET',
      path,
      accept: [404],
    });
    if (read.status === 404) {
      throw new Error(
        `Pulumi Cloud has no team '${team}' in the organization ${environment.organization}`,
      );
    }
    const held = (
      (JSON.parse(read.body) as { environments?: TeamEnvironmentGrant[] })
        .environments ?? []
    ).find(
      grant =>
        grant.projectName === environment.project &&
        grant.envName === environment.environment,
    )?.permission;
    if (held !== undefined && !isPermission(held)) {
      throw new Error(
        `The team '${team}' holds the permission '${held}' on ${ref}, which the portal does not know; it left it as it is`,
      );
    }
    if (held !== undefined && opens(held)) {
      return held === 'open' ? 'unchanged' : 'broader';
    }
    const grant = {
      projectName: environment.project,
      envName: environment.environment,
      permission: 'open' as const,
    };
    await this.api.call(signal, {
      operation: `granting the team '${team}' open on the ESC environment ${ref}`,
      method: 'PATCH',
      path,
      body: JSON.stringify(
        held === undefined
          ? { addEnvironmentPermission: grant }
          : { editEnvironmentPermission: grant },
      ),
      contentType: 'application/json',
    });
    return held === undefined ? 'granted' : 'raised';
  }

  /**
   * `GET /api/orgs/{org}/metadata`, whose `OrganizationMetadata` holds
   * `defaultEnvironmentPermission`: "the default permission every member has
   * for accessing the organization's environments" (Pulumi Cloud's OpenAPI
   * description, operation GetOrganizationMetadata and schema
   * OrganizationMetadata, vendored in pulumi/pulumi-pulumiservice
   * provider/pkg/cloud/spec.json and provider/pkg/apitype/organization_metadata_.go).
   * The values are those the organization's settings take
   * (https://www.pulumi.com/docs/reference/cloud-rest-api/schema/updateorganizationrequest/,
   * `setDefaultEnvironmentPermission`). An answer without it, or a refusal,
   * says why instead of guessing.
   */
  async defaultPermission(
    organization: string,
    signal?: AbortSignal,
  ): Promise<DefaultEnvironmentPermission> {
    const path = `api/orgs/${encodeURIComponent(organization)}/metadata`;
    const response = await this.api.call(signal, {
      operation: `reading the settings of the organization ${organization}`,
      method: 'GET',
      path,
      accept: [403, 404],
    });
    if (response.status !== 200) {
      return {
        unreadable: `Pulumi Cloud answered ${response.status} to GET /${path}${
          response.status === 403
            ? " (the portal's token may not read the organization's settings)"
            : ''
        }`,
      };
    }
    let permission: unknown;
    try {
      permission = JSON.parse(response.body).defaultEnvironmentPermission;
    } catch {
      // Not JSON: said below.
    }
    if (permission === undefined) {
      return {
        unreadable: `Pulumi Cloud's answer to GET /${path} holds no defaultEnvironmentPermission`,
      };
    }
    if (!isPermission(permission)) {
      return {
        unreadable: `Pulumi Cloud's answer to GET /${path} holds the defaultEnvironmentPermission '${String(
          permission,
        )}', which the portal does not know`,
      };
    }
    return { permission };
  }
}

/** An entry of a team's `environments` (schema TeamEnvironmentSettings). */
interface TeamEnvironmentGrant {
  projectName?: string;
  envName?: string;
  permission?: string;
}

function isPermission(value: unknown): value is EnvironmentPermission {
  return (ENVIRONMENT_PERMISSIONS as readonly unknown[]).includes(value);
}
