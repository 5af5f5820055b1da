import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EnvironmentStatus,
  environmentStatusPath,
  EscEnvironmentRef,
  LATEST_CHECKS_PATH,
  LatestChecks,
  memoizeUntilFailure,
  PROVISIONING_OPTIONS_PATH,
  ProvisioningOptions,
  RecordedCheck,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** What the scaffolder module serves: what the portal allows, and environments' health. */
export interface PulumiAzureOidcApi {
  getOptions(): Promise<ProvisioningOptions>;
  /** The last verify results and drift checks of an environment. */
  getStatus(environment: EscEnvironmentRef): Promise<EnvironmentStatus>;
  /** Verifies an environment's trust now; its owners and administrators only. */
  verify(environment: EscEnvironmentRef): Promise<RecordedCheck>;
  /** The latest checks of each environment, by `organization/project/environment`. */
  latestChecks(
    environmentRefs: string[],
  ): Promise<Record<string, LatestChecks>>;
}

export const pulumiAzureOidcApiRef = createApiRef<PulumiAzureOidcApi>().with({
  id: 'pulumi-azure-oidc',
  pluginId: 'pulumi-azure-oidc',
});

export class PulumiAzureOidcClient implements PulumiAzureOidcApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  /** Fetched once per page load; a failure is retried on the next call. */
  readonly getOptions = memoizeUntilFailure(() => this.load());

  getStatus(environment: EscEnvironmentRef): Promise<EnvironmentStatus> {
    return this.call(`${environmentStatusPath(environment)}/status`);
  }

  verify(environment: EscEnvironmentRef): Promise<RecordedCheck> {
    return this.call(`${environmentStatusPath(environment)}/verify`, 'POST');
  }

  latestChecks(
    environmentRefs: string[],
  ): Promise<Record<string, LatestChecks>> {
    return environmentRefs.length === 0
      ? Promise.resolve({})
      : this.call(LATEST_CHECKS_PATH, 'POST', { environmentRefs });
  }

  private load(): Promise<ProvisioningOptions> {
    return this.call(PROVISIONING_OPTIONS_PATH);
  }

  private async call<T>(
    path: string,
    method = 'GET',
    body?: object,
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('scaffolder');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body
        ? {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }
        : {}),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
