/**
 * Pulumi Cloud's ESC environments, through its REST API, as Pulumi's own
 * ESC client calls it (pulumi/esc cmd/esc/cli/client/client.go); who may
 * open them is PulumiCloudTeams'.
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  DefaultEnvironmentPermission,
  EscEnvironmentChange,
  EscEnvironmentChangedError,
  EscEnvironmentDefinition,
  EscEnvironments,
  EscReferrers,
  EscValues,
  TeamGrant,
} from './escEnvironments';
import {
  PulumiCloudApi,
  PulumiCloudApiOptions,
  PulumiCloudCall,
} from './pulumiCloudApi';
import { PulumiCloudTeams } from './pulumiCloudTeams';

export type PulumiCloudEscEnvironmentsOptions = PulumiCloudApiOptions;

export class PulumiCloudEscEnvironments implements EscEnvironments {
  private readonly api: PulumiCloudApi;
  /** Team grants and the organization's default, in a client of their own. */
  private readonly teams: PulumiCloudTeams;

  constructor(options: PulumiCloudEscEnvironmentsOptions) {
    this.api = new PulumiCloudApi(options);
    this.teams = new PulumiCloudTeams(this.api);
  }

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

  grantTeamOpen(
    environment: EscEnvironmentRef,
    team: string,
    signal?: AbortSignal,
  ): Promise<TeamGrant> {
    return this.teams.grantTeamOpen(environment, team, signal);
  }

  defaultPermission(
    organization: string,
    signal?: AbortSignal,
  ): Promise<DefaultEnvironmentPermission> {
    return this.teams.defaultPermission(organization, signal);
  }

  private request(
    environment: EscEnvironmentRef,
    signal: AbortSignal | undefined,
    call: PulumiCloudCall,
  ) {
    return this.api.call(signal, {
      ...call,
      operation: `${call.operation} the ESC environment ${formatEnvironmentRef(
        environment,
      )}`,
    });
  }
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
