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
import { HttpClient } from './http/httpClient';

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
      body: yaml,
      contentType: 'application/x-yaml',
      // Pulumi Cloud refuses the update (409) when this is not the latest.
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

  private request(
    environment: EscEnvironmentRef,
    signal: AbortSignal | undefined,
    call: {
      operation: string;
      method: 'GET' | 'POST' | 'PATCH';
      path: string;
      body?: string;
      contentType?: string;
      etag?: string;
      accept?: number[];
    },
  ) {
    return this.options.http.request({
      service: 'Pulumi Cloud',
      operation: `${call.operation} the ESC environment ${formatEnvironmentRef(
        environment,
      )}`,
      method: call.method,
      url: `${this.options.apiUrl.replace(/\/+$/, '')}/${call.path}`,
      headers: {
        Accept: 'application/vnd.pulumi+8',
        Authorization: `token ${this.options.accessToken}`,
        ...(call.contentType ? { 'Content-Type': call.contentType } : {}),
        // The header Pulumi's own ESC client sends for optimistic updates.
        ...(call.etag ? { ETag: call.etag } : {}),
      },
      body: call.body,
      accept: call.accept,
      urlSetting: 'pulumiAzureOidc.pulumiCloud.apiUrl',
      credentialSetting: 'pulumiAzureOidc.pulumiCloud.accessToken',
      signal,
    });
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
