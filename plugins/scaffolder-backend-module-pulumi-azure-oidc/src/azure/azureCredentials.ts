/** How the deployer signs in to Azure and Entra, and where they are. */

/** How the Pulumi engine, and the module's own calls, authenticate to Azure. */
export type AzureCredentials =
  | { type: 'azureCli' }
  | { type: 'clientSecret'; clientId: string; clientSecret: string }
  | { type: 'workloadIdentity'; clientId: string; tokenFilePath: string }
  | { type: 'managedIdentity'; clientId?: string };

export const AZURE_CREDENTIAL_TYPES: ReadonlyArray<AzureCredentials['type']> = [
  'azureCli',
  'clientSecret',
  'workloadIdentity',
  'managedIdentity',
];

/** Microsoft Entra ID, Microsoft Graph and Azure Resource Manager. */
export interface AzureEndpoints {
  login: string;
  graph: string;
  resourceManager: string;
  /** The instance metadata service that serves managed identity tokens. */
  managedIdentity: string;
}

export const PUBLIC_CLOUD_ENDPOINTS: AzureEndpoints = {
  login: 'https://login.microsoftonline.com',
  graph: 'https://graph.microsoft.com',
  resourceManager: 'https://management.azure.com',
  managedIdentity: 'http://169.254.169.254',
};
