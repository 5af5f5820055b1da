/**
 * ESC environments in Pulumi Cloud, through its REST API: read before the
 * identity is provisioned, so that one the portal may not overwrite stops the
 * run before any change; written once the identity exists.
 *
 * Kept out of the Pulumi program on purpose: the portal decides whether an
 * existing environment is its own, where a resource would fail on "already
 * exists" or silently take it over on import.
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

export type EscEnvironmentChange = 'created' | 'updated' | 'unchanged';

/** An environment's definition as last read, with the tag that versions it. */
export interface EscEnvironmentDefinition {
  yaml: string;
  etag?: string;
}

export interface EscEnvironments {
  /** The environment's current definition; undefined when it does not exist. */
  read(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined>;
  /**
   * Creates the environment when `current` is undefined, replaces its
   * definition otherwise; fails when it changed since `current` was read.
   */
  write(
    environment: EscEnvironmentRef,
    yaml: string,
    current: EscEnvironmentDefinition | undefined,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange>;
}

/** The environment changed in Pulumi Cloud between the read and the write. */
export class EscEnvironmentChangedError extends Error {
  name = 'EscEnvironmentChangedError';
  constructor(environment: EscEnvironmentRef, what: string) {
    super(
      `The ESC environment ${formatEnvironmentRef(
        environment,
      )} ${what}, so the portal did not write it. Run the template again.`,
    );
  }
}

type Response = { status: number; body: string; etag?: string };

export class PulumiCloudEscEnvironments implements EscEnvironments {
  constructor(
    private readonly options: {
      apiUrl: string;
      accessToken: string;
      fetch?: typeof fetch;
    },
  ) {}

  async read(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined> {
    const response = await this.request(
      'GET',
      environmentPath(environment),
      {},
      signal,
    );
    if (response.status === 404) return undefined;
    this.check(response, 'read', environment);
    return { yaml: response.body, etag: response.etag };
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
      const created = await this.request(
        'POST',
        `api/esc/environments/${encodeURIComponent(environment.organization)}`,
        {
          body: JSON.stringify({
            project: environment.project,
            name: environment.environment,
          }),
          contentType: 'application/json',
        },
        signal,
      );
      if (created.status === 409) {
        throw new EscEnvironmentChangedError(
          environment,
          "was created in Pulumi Cloud while this run provisioned its identity, or exists where this portal's token cannot read it",
        );
      }
      this.check(created, 'create', environment);
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
    const updated = await this.request(
      'PATCH',
      environmentPath(environment),
      {
        body: yaml,
        contentType: 'application/x-yaml',
        // Pulumi Cloud refuses the update (409) when this is not the latest.
        etag: base.etag,
      },
      signal,
    );
    if (updated.status === 409) {
      throw new EscEnvironmentChangedError(
        environment,
        'was changed in Pulumi Cloud while this run provisioned its identity',
      );
    }
    this.check(updated, 'update', environment);
    return current ? 'updated' : 'created';
  }

  private async request(
    method: string,
    path: string,
    options: { body?: string; contentType?: string; etag?: string },
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const fetchImpl = this.options.fetch ?? fetch;
    const response = await fetchImpl(
      `${this.options.apiUrl.replace(/\/+$/, '')}/${path}`,
      {
        method,
        signal,
        headers: {
          Accept: 'application/vnd.pulumi+8',
          Authorization: `token ${this.options.accessToken}`,
          ...(options.contentType
            ? { 'Content-Type': options.contentType }
            : {}),
          // The header Pulumi's own ESC client sends for optimistic updates.
          ...(options.etag ? { ETag: options.etag } : {}),
        },
        body: options.body,
      },
    );
    return {
      status: response.status,
      body: await response.text(),
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  private check(
    response: Response,
    action: string,
    environment: EscEnvironmentRef,
  ): void {
    if (response.status < 200 || response.status > 299) {
      throw new Error(
        `Pulumi Cloud refused to ${action} the ESC environment ${formatEnvironmentRef(
          environment,
        )}: ${response.status} ${response.body.slice(0, 300)}`,
      );
    }
  }
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
