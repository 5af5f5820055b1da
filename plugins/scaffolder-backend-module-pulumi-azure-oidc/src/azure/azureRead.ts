import { HttpClient } from '../http/httpClient';
import { AccessTokens, AzureApi } from './deployerTokens';

export interface AzureReader {
  endpoint: string;
  tokens: AccessTokens;
  http: HttpClient;
}

const SERVICES: Record<AzureApi, { service: string; setting: string }> = {
  graph: {
    service: 'Microsoft Graph',
    setting: 'pulumiAzureOidc.azure.endpoints.graph',
  },
  resourceManager: {
    service: 'Azure Resource Manager',
    setting: 'pulumiAzureOidc.azure.endpoints.resourceManager',
  },
};

/** A GET as the deploying principal; undefined for 404. */
export async function readAzure<T>(
  reader: AzureReader,
  api: AzureApi,
  path: string,
  operation: string,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const { service, setting } = SERVICES[api];
  const response = await reader.http.request({
    service,
    operation,
    method: 'GET',
    url: `${reader.endpoint}${path}`,
    headers: {
      Authorization: `Bearer ${await reader.tokens.token(api, signal)}`,
    },
    accept: [404],
    urlSetting: setting,
    credentialSetting: 'pulumiAzureOidc.azure.credentials',
    signal,
  });
  return response.status === 404 ? undefined : JSON.parse(response.body);
}
