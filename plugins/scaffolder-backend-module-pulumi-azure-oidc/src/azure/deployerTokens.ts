/**
 * Access tokens of the deploying principal (the one `azure.credentials`
 * configures for the Pulumi providers), for the few calls the module makes
 * to Microsoft Graph and ARM itself: finding what a run that died half-way
 * left behind, and reading role assignments when it verifies a trust.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AzureCredentials, AzureEndpoints } from './azureCredentials';
import { HttpClient } from '../http/httpClient';

export type AzureApi = 'graph' | 'resourceManager';

export interface AccessTokens {
  token(api: AzureApi, signal?: AbortSignal): Promise<string>;
}

export interface DeployerTokensOptions {
  credentials: AzureCredentials;
  tenantId?: string;
  endpoints: AzureEndpoints;
  http: HttpClient;
  /** Every token obtained, so that no log ever shows one. */
  onToken?(token: string): void;
  /** Runs the Azure CLI; tests pass a stand-in. */
  runAzureCli?(args: string[]): Promise<string>;
}

/** The deployer could not sign in where no service is at fault: no `az login`, say. */
export class DeployerSignInError extends Error {
  name = 'DeployerSignInError';
}

/** Tokens are used until this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

const runAzureCli = async (args: string[]) =>
  (await promisify(execFile)('az', args, { timeout: 60_000 })).stdout;

export class DeployerTokens implements AccessTokens {
  private readonly cache = new Map<
    AzureApi,
    { token: string; expiresAt: number }
  >();

  constructor(private readonly options: DeployerTokensOptions) {}

  async token(api: AzureApi, signal?: AbortSignal): Promise<string> {
    const cached = this.cache.get(api);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
      return cached.token;
    }
    const fresh = await this.acquire(this.options.endpoints[api], signal);
    this.options.onToken?.(fresh.token);
    this.cache.set(api, fresh);
    return fresh.token;
  }

  private async acquire(
    resource: string,
    signal?: AbortSignal,
  ): Promise<{ token: string; expiresAt: number }> {
    const { credentials } = this.options;
    switch (credentials.type) {
      case 'clientSecret':
        return this.clientCredentials(resource, credentials.clientId, signal, {
          client_secret: credentials.clientSecret,
        });
      case 'workloadIdentity':
        return this.clientCredentials(resource, credentials.clientId, signal, {
          client_assertion_type:
            'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          // Re-read each time: the platform rotates the file.
          client_assertion: (
            await readFile(credentials.tokenFilePath, 'utf8')
          ).trim(),
        });
      case 'managedIdentity':
        return this.managedIdentity(resource, credentials.clientId, signal);
      default:
        return this.azureCli(resource);
    }
  }

  /** OAuth 2.0 client credentials at Entra's v2 token endpoint. */
  private async clientCredentials(
    resource: string,
    clientId: string,
    signal: AbortSignal | undefined,
    secret: Record<string, string>,
  ) {
    const { tenantId, endpoints, http } = this.options;
    const response = await http.request({
      service: 'Microsoft Entra ID',
      operation: "signing in as the portal's deploying principal",
      method: 'POST',
      url: `${endpoints.login}/${tenantId}/oauth2/v2.0/token`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        scope: `${resource}/.default`,
        ...secret,
      }).toString(),
      // Asking for a token twice changes nothing.
      idempotent: true,
      urlSetting: 'pulumiAzureOidc.azure.endpoints.login',
      credentialSetting: 'pulumiAzureOidc.azure.credentials',
      signal,
    });
    const body = JSON.parse(response.body);
    return {
      token: body.access_token as string,
      expiresAt: Date.now() + Number(body.expires_in ?? 0) * 1000,
    };
  }

  /** The instance metadata service of a VM or node with a managed identity. */
  private async managedIdentity(
    resource: string,
    clientId: string | undefined,
    signal: AbortSignal | undefined,
  ) {
    const query = new URLSearchParams({
      'api-version': '2018-02-01',
      resource,
      ...(clientId ? { client_id: clientId } : {}),
    });
    const response = await this.options.http.request({
      service: 'the managed identity endpoint',
      operation: "getting a token for the portal's managed identity",
      method: 'GET',
      url: `${this.options.endpoints.managedIdentity}/metadata/identity/oauth2/token?${query}`,
      headers: { Metadata: 'true' },
      urlSetting: 'pulumiAzureOidc.azure.endpoints.managedIdentity',
      signal,
    });
    const body = JSON.parse(response.body);
    return {
      token: body.access_token as string,
      expiresAt: Number(body.expires_on) * 1000,
    };
  }

  /** The developer's own `az login`, on the embedded defaults. */
  private async azureCli(resource: string) {
    const { tenantId } = this.options;
    const output = await (this.options.runAzureCli ?? runAzureCli)([
      'account',
      'get-access-token',
      '--resource',
      resource,
      ...(tenantId ? ['--tenant', tenantId] : []),
      '--output',
      'json',
    ]).catch(error => {
      throw new DeployerSignInError(
        `The Azure CLI could not give a token for ${resource}: ${
          (error as Error).message.split('\n')[0]
        }. Sign in with 'az login', or configure pulumiAzureOidc.azure.credentials.`,
      );
    });
    const body = JSON.parse(output);
    return {
      token: body.accessToken as string,
      expiresAt: body.expires_on
        ? Number(body.expires_on) * 1000
        : Date.parse(body.expiresOn),
    };
  }
}
