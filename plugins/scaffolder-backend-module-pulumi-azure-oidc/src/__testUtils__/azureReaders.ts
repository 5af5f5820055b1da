import { AzureStandIn } from '@esc-azure-oidc/test-utils';
import { deployerReaders } from '../azure/deployerReaders';
import { HttpClient } from '../http/httpClient';

/** Graph and ARM as the stand-in's deployer, signed in with its secret. */
export function standInReaders(azure: AzureStandIn, http?: HttpClient) {
  return deployerReaders({
    azure: {
      credentials: {
        type: 'clientSecret',
        clientId: azure.deployer.clientId,
        clientSecret: azure.deployer.clientSecret,
      },
      tenantId: azure.tenantId,
      endpoints: azure.endpoints,
    },
    http: http ?? new HttpClient({ timeoutSeconds: 5, retries: 0 }),
  });
}
