import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  memoizeUntilFailure,
  PROVISIONING_OPTIONS_PATH,
  ProvisioningOptions,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** What the portal allows, as the scaffolder module serves it. */
export interface PulumiAzureOidcApi {
  getOptions(): Promise<ProvisioningOptions>;
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

  private async load(): Promise<ProvisioningOptions> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('scaffolder');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${PROVISIONING_OPTIONS_PATH}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
