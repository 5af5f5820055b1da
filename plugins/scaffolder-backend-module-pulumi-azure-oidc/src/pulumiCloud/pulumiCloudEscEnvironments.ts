/**
 * Pulumi Cloud's ESC environments, through its REST API, as Pulumi's own
 * ESC client calls it (pulumi/esc cmd/esc/cli/client/client.go); and who
 * may open them, through the organization and team endpoints of the same
 * API (cited where they are called).
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { HttpClient } from '../http/httpClient';
import {
  DefaultEnvironmentPermission,
  ENVIRONMENT_PERMISSIONS,
  EnvironmentPermission,
  EscEnvironmentChange,
  EscEnvironmentChangedError,
  EscEnvironmentDefinition,
  EscEnvironments,
  EscReferrers,
  EscValues,
  opens,
  TeamGrant,
} from './escEnvironments';

export interface PulumiCloudEscEnvironmentsOptions {
  apiUrl: string;
  accessToken: string;
  http: HttpClient;
}

export class PulumiCloudEscEnvironments implements EscEnvironments {
  constructor(private readonly options: PulumiCloudEscEnvironmentsOptions) {}

  async read(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined> {
    const response = await this.request(environment, signal, {
      operation: 'reading',
      method: 'GET',
      path: environmentPath(environment),
      accept: [404],
    });
    if (response.status === 404) return undefined;
    return {
      yaml: response.body,
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  async write(
    environment: EscEnvironmentRef,
    yaml: string,
    current: EscEnvironmentDefinition | undefined,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange> {
    if (current?.yaml === yaml) return 'unchanged';
    let base = current;
    if (!base) {
      const created = await this.request(environment, signal, {
        operation: 'creating',
        method: 'POST',
        path: `api/esc/environments/${encodeURIComponent(
          environment.organization,
        )}`,
        body: JSON.stringify({
          project: environment.project,
          name: environment.environment,
        }),
        contentType: 'application/json',
        accept: [409],
      });
      if (created.status === 409) {
        throw new EscEnvironmentChangedError(
          environment,
          "was created in Pulumi Cloud while this run provisioned its identity, or exists where this portal's token cannot read it",
        );
      }
      // The new, empty definition's tag: nobody else's edit is overwritten.
      base = await this.read(environment, signal);
    }
    if (!base?.etag) {
      throw new Error(
        `Pulumi Cloud returned the ESC environment ${formatEnvironmentRef(
          environment,
        )} without the tag (ETag) that versions it, so the portal cannot update it without risking someone else's edit`,
      );
    }
    const updated = await this.request(environment, signal, {
      operation: 'updating',
      method: 'PATCH',
      path: environmentPath(environment),
      // As Pulumi's own ESC client sends an update (pulumi/esc
      // cmd/esc/cli/client/client.go, UpdateEnvironmentWithRevision and
      // httpCall): the YAML as the body, its default JSON content type, the
      // vnd.pulumi+8 media type, and the tag read in an `ETag` request
      // header, which makes Pulumi Cloud refuse (409) a stale update.
      body: yaml,
      contentType: 'application/json',
      etag: base.etag,
      accept: [409],
    });
    if (updated.status === 409) {
      throw new EscEnvironmentChangedError(
        environment,
        'was changed in Pulumi Cloud while this run provisioned its identity',
      );
    }
    return current ? 'updated' : 'created';
  }

  /**
   * `POST …/open` then `GET …/open/<id>`, as Pulumi's ESC client opens an
   * environment (pulumi/esc cmd/esc/cli/client/client.go, OpenEnvironment
   * and GetOpenEnvironment); every value comes wrapped as `{ value, secret,
   * trace }` (pulumi/esc value.go), unwrapped here.
   */
  async open(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscValues> {
    const opened = await this.request(environment, signal, {
      operation: 'opening',
      method: 'POST',
      path: `${environmentPath(environment)}/open?duration=5m`,
      // Opening again opens another session: nothing is lost by a retry.
      idempotent: true,
    });
    const { id } = JSON.parse(opened.body);
    const read = await this.request(environment, signal, {
      operation: 'reading the values of',
      method: 'GET',
      path: `${environmentPath(environment)}/open/${encodeURIComponent(id)}`,
    });
    return unwrap({
      value: JSON.parse(read.body).properties ?? {},
    }) as EscValues;
  }

  async remove(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const response = await this.request(environment, signal, {
      operation: 'deleting',
      method: 'DELETE',
      path: environmentPath(environment),
      accept: [404],
    });
    return response.status !== 404;
  }

  /**
   * `GET …/referrers`, Pulumi Cloud's experimental list of what references
   * an environment, keyed by the revision referenced, each referrer an
   * environment import, a stack or an Insights account (pulumi/esc
   * cmd/esc/cli/client/apitype.go, ListEnvironmentReferrersResponse), pages
   * followed by `continuationToken`. It cannot see `esc run` in pipelines
   * or stacks on DIY backends. Undefined when Pulumi Cloud does not offer it.
   */
  async referrers(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscReferrers | undefined> {
    const environments = new Set<string>();
    const stacks = new Set<string>();
    let token: string | undefined = '';
    while (token !== undefined) {
      const response = await this.request(environment, signal, {
        operation: 'listing what references',
        method: 'GET',
        path: `${environmentPath(environment)}/referrers?count=500${
          token ? `&continuationToken=${encodeURIComponent(token)}` : ''
        }`,
        accept: [404, 501],
      });
      if (response.status !== 200) return undefined;
      const page: {
        referrers?: Record<string, EscReferrer[]>;
        continuationToken?: string;
      } = JSON.parse(response.body);
      for (const referrer of Object.values(page.referrers ?? {}).flat()) {
        if (referrer.environment) {
          environments.add(
            `${referrer.environment.project}/${referrer.environment.name}`,
          );
        }
        if (referrer.stack) {
          stacks.add(`${referrer.stack.project}/${referrer.stack.stack}`);
        }
      }
      token = page.continuationToken || undefined;
    }
    return { environments: [...environments], stacks: [...stacks] };
  }

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
    const read = await this.call(signal, {
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
    await this.call(signal, {
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
    const response = await this.call(signal, {
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

  private request(
    environment: EscEnvironmentRef,
    signal: AbortSignal | undefined,
    call: PulumiCloudCall,
  ) {
    return this.call(signal, {
      ...call,
      operation: `${call.operation} the ESC environment ${formatEnvironmentRef(
        environment,
      )}`,
    });
  }

  private call(signal: AbortSignal | undefined, call: PulumiCloudCall) {
    return this.options.http.request({
      service: 'Pulumi Cloud',
      operation: call.operation,
      method: call.method,
      url: `${this.options.apiUrl.replace(/\/+$/, '')}/${call.path}`,
      headers: {
        Accept: 'application/vnd.pulumi+8',
        Authorization: `token ${this.options.accessToken}`,
        ...(call.contentType ? { 'Content-Type': call.contentType } : {}),
        ...(call.etag ? { ETag: call.etag } : {}),
      },
      body: call.body,
      accept: call.accept,
      idempotent: call.idempotent,
      urlSetting: 'pulumiAzureOidc.pulumiCloud.apiUrl',
      credentialSetting: 'pulumiAzureOidc.pulumiCloud.accessToken',
      signal,
    });
  }
}

interface PulumiCloudCall {
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  contentType?: string;
  etag?: string;
  accept?: number[];
  idempotent?: boolean;
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

interface EscReferrer {
  environment?: { project: string; name: string };
  stack?: { project: string; stack: string };
}

function environmentPath(environment: EscEnvironmentRef): string {
  return `api/esc/environments/${[
    environment.organization,
    environment.project,
    environment.environment,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** An ESC value without its `{ value, secret, unknown, trace }` wrappers. */
function unwrap(wrapped: unknown): unknown {
  const value = (wrapped as { value?: unknown } | undefined)?.value;
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, unwrap(inner)]),
    );
  }
  return value;
}
