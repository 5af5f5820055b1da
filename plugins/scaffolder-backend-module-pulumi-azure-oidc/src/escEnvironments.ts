/**
 * ESC environments in Pulumi Cloud, through its REST API: created when
 * missing, their definition replaced when it differs, left alone otherwise.
 *
 * Kept out of the Pulumi program on purpose: an environment that existed
 * before the portal, or one the portal stopped managing, is simply adopted,
 * where a resource would fail on "already exists".
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

export type EscEnvironmentChange = 'created' | 'updated' | 'unchanged';

export interface EscEnvironments {
  createOrUpdate(
    environment: EscEnvironmentRef,
    yaml: string,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange>;
}

export class PulumiCloudEscEnvironments implements EscEnvironments {
  constructor(
    private readonly options: {
      apiUrl: string;
      accessToken: string;
      fetch?: typeof fetch;
    },
  ) {}

  async createOrUpdate(
    environment: EscEnvironmentRef,
    yaml: string,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange> {
    const { organization, project } = environment;
    const path = `api/esc/environments/${[
      organization,
      project,
      environment.environment,
    ]
      .map(encodeURIComponent)
      .join('/')}`;

    const current = await this.request('GET', path, undefined, signal);
    if (current.status === 200 && current.body === yaml) {
      return 'unchanged';
    }
    if (current.status === 404) {
      const created = await this.request(
        'POST',
        `api/esc/environments/${encodeURIComponent(organization)}`,
        { json: { project, name: environment.environment } },
        signal,
      );
      // 409: created in the meantime; setting the definition is all that is left.
      if (created.status !== 409) this.check(created, 'create', environment);
    } else {
      this.check(current, 'read', environment);
    }
    this.check(
      await this.request('PATCH', path, { yaml }, signal),
      'update',
      environment,
    );
    return current.status === 404 ? 'created' : 'updated';
  }

  private async request(
    method: string,
    path: string,
    body: { json: object } | { yaml: string } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; body: string }> {
    const fetchImpl = this.options.fetch ?? fetch;
    const response = await fetchImpl(
      `${this.options.apiUrl.replace(/\/+$/, '')}/${path}`,
      {
        method,
        signal,
        headers: {
          Accept: 'application/vnd.pulumi+8',
          Authorization: `token ${this.options.accessToken}`,
          ...(body
            ? {
                'Content-Type':
                  'json' in body ? 'application/json' : 'application/x-yaml',
              }
            : {}),
        },
        body: body && ('json' in body ? JSON.stringify(body.json) : body.yaml),
      },
    );
    return { status: response.status, body: await response.text() };
  }

  private check(
    response: { status: number; body: string },
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
