/**
 * The Microsoft Graph calls the module makes itself, as the deploying
 * principal: reads only. Application.ReadWrite.OwnedBy allows listing every
 * application (learn.microsoft.com, Graph permissions reference) and reading
 * the federated credentials of those it owns.
 */
import { AzureReader, readAzure } from './azureRead';

export interface EntraApplication {
  /** The object id. */
  id: string;
  appId: string;
  displayName: string;
  tags: string[];
}

export interface EntraFederatedCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export class MicrosoftGraph {
  constructor(private readonly reader: AzureReader) {}

  /** Applications with exactly this display name. */
  async applicationsNamed(
    displayName: string,
    signal?: AbortSignal,
  ): Promise<EntraApplication[]> {
    const filter = `displayName eq '${displayName.replace(/'/g, "''")}'`;
    const body = await this.get<{ value: EntraApplication[] }>(
      `/v1.0/applications?$filter=${encodeURIComponent(
        filter,
      )}&$select=id,appId,displayName,tags`,
      `looking for Entra applications named '${displayName}'`,
      signal,
    );
    return body?.value ?? [];
  }

  async application(
    objectId: string,
    signal?: AbortSignal,
  ): Promise<EntraApplication | undefined> {
    return this.get<EntraApplication>(
      `/v1.0/applications/${encodeURIComponent(
        objectId,
      )}?$select=id,appId,displayName,tags`,
      `reading the Entra application ${objectId}`,
      signal,
    );
  }

  async federatedCredentials(
    objectId: string,
    signal?: AbortSignal,
  ): Promise<EntraFederatedCredential[]> {
    const body = await this.get<{ value: EntraFederatedCredential[] }>(
      `/v1.0/applications/${encodeURIComponent(
        objectId,
      )}/federatedIdentityCredentials`,
      `listing the federated credentials of the Entra application ${objectId}`,
      signal,
    );
    return body?.value ?? [];
  }

  private get<T>(path: string, operation: string, signal?: AbortSignal) {
    return readAzure<T>(this.reader, 'graph', path, operation, signal);
  }
}
