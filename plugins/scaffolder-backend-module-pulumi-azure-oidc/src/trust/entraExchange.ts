/**
 * Exchanging Pulumi Cloud's token for an Entra access token, as the Azure
 * providers do with `ARM_OIDC_TOKEN`: the OAuth 2.0 client credentials grant
 * with the token as client assertion (Microsoft identity platform, "client
 * assertions" and workload identity federation). Success proves the trust;
 * a refusal carries Entra's AADSTS code.
 */
import { HttpClient, readServiceError } from '../http/httpClient';

export const JWT_BEARER =
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra refused the token; `code` is its AADSTS code when it gave one. */
export class EntraRefusedError extends Error {
  name = 'EntraRefusedError';
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export async function exchangeWithEntra(options: {
  http: HttpClient;
  loginEndpoint: string;
  tenantId: string;
  /** The environment's application (client) id. */
  clientId: string;
  assertion: string;
  /** What the access token is for, such as `https://management.azure.com`. */
  resource: string;
  signal?: AbortSignal;
}): Promise<string> {
  const response = await options.http.request({
    service: 'Microsoft Entra ID',
    operation: `exchanging the environment's OIDC token for a token of the application ${options.clientId}`,
    method: 'POST',
    url: `${options.loginEndpoint}/${options.tenantId}/oauth2/v2.0/token`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: options.assertion,
      scope: `${options.resource}/.default`,
    }).toString(),
    idempotent: true,
    accept: [400, 401],
    urlSetting: 'pulumiAzureOidc.azure.endpoints.login',
    signal: options.signal,
  });
  if (response.status >= 400) {
    const { message } = readServiceError(response.body);
    const code = /AADSTS\d+/.exec(message ?? '')?.[0];
    throw new EntraRefusedError(
      `Entra refused the environment's token: ${
        message?.split(/\r?\n/)[0] ?? response.status
      }`,
      code,
    );
  }
  return JSON.parse(response.body).access_token;
}
