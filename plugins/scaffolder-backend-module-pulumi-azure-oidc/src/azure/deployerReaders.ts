import { HttpClient } from '../http/httpClient';
import { AzureCredentials, AzureEndpoints } from './azureCredentials';
import { DeployerTokens } from './deployerTokens';
import { MicrosoftGraph } from './graph';
import { ResourceManager } from './resourceManager';

export interface DeployerReaders {
  graph: MicrosoftGraph;
  resourceManager: ResourceManager;
}

/**
 * Graph and ARM as the deploying principal, signed in with the configured
 * credential; `onToken` sees each token, so that no log ever shows one.
 */
export function deployerReaders(options: {
  azure: {
    credentials: AzureCredentials;
    tenantId?: string;
    endpoints: AzureEndpoints;
  };
  http: HttpClient;
  onToken?(token: string): void;
}): DeployerReaders {
  const { azure, http } = options;
  const tokens = new DeployerTokens({
    ...azure,
    http,
    onToken: options.onToken,
  });
  return {
    graph: new MicrosoftGraph({
      endpoint: azure.endpoints.graph,
      tokens,
      http,
    }),
    resourceManager: new ResourceManager({
      endpoint: azure.endpoints.resourceManager,
      tokens,
      http,
    }),
  };
}
