/**
 * How the configured Azure credential reaches what the Pulumi CLI starts:
 * environment variables, never stack configuration.
 */
import { AzureCredentials, PulumiAzureOidcSettings } from './settings';

/** The variables a reader of Azure credentials takes them from. */
interface CredentialVariables {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenFile: string;
}

const ARM: CredentialVariables = {
  tenantId: 'ARM_TENANT_ID',
  clientId: 'ARM_CLIENT_ID',
  clientSecret: 'ARM_CLIENT_SECRET',
  tokenFile: 'ARM_OIDC_TOKEN_FILE_PATH',
};

const GO_CDK: CredentialVariables = {
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  tokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
};

/** How the providers tell the ways of signing in apart. */
const ARM_SIGN_IN: Record<AzureCredentials['type'], Record<string, string>> = {
  clientSecret: {},
  workloadIdentity: { ARM_USE_OIDC: 'true' },
  managedIdentity: { ARM_USE_MSI: 'true' },
  // The ambient `az login` of the backend's user.
  azureCli: { ARM_USE_CLI: 'true' },
};

/** The credential's values, under the variable names a reader uses. */
function credentialVariables(
  names: CredentialVariables,
  credentials: AzureCredentials,
  tenantId: string | undefined,
): Record<string, string> {
  const values: Partial<CredentialVariables> = {
    tenantId,
    clientId: 'clientId' in credentials ? credentials.clientId : undefined,
    clientSecret:
      credentials.type === 'clientSecret'
        ? credentials.clientSecret
        : undefined,
    tokenFile:
      credentials.type === 'workloadIdentity'
        ? credentials.tokenFilePath
        : undefined,
  };
  return Object.fromEntries(
    (Object.keys(names) as Array<keyof CredentialVariables>)
      .filter(key => values[key])
      .map(key => [names[key], values[key]!]),
  );
}

/** The `ARM_*` variables both Azure providers read. */
export function azureCredentialEnvironment(
  credentials: AzureCredentials,
  tenantId: string | undefined,
): Record<string, string> {
  return {
    ...credentialVariables(ARM, credentials, tenantId),
    ...ARM_SIGN_IN[credentials.type],
  };
}

/**
 * The `AZURE_*` variables of the Go CDK, through which the CLI reaches
 * `azblob://` state and `azurekeyvault://` secrets providers: a storage
 * account and key when configured, otherwise azidentity's
 * DefaultAzureCredential, which reads `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`
 * and `AZURE_CLIENT_SECRET` or `AZURE_FEDERATED_TOKEN_FILE`, then a managed
 * identity, then the Azure CLI (gocloud.dev blob/azureblob and
 * secrets/azurekeyvault; azure-sdk-for-go azidentity
 * default_azure_credential.go). Not the `ARM_*` variables of the providers.
 */
export function stateBackendEnvironment(
  settings: Pick<PulumiAzureOidcSettings, 'state' | 'azure'>,
): Record<string, string> {
  const { state, azure } = settings;
  const blob = state.backendUrl.startsWith('azblob://');
  const keyVault = !!state.secretsProvider?.startsWith('azurekeyvault://');
  if (!blob && !keyVault) return {};
  const env: Record<string, string> = {};
  if (blob && state.azureStorage.account) {
    env.AZURE_STORAGE_ACCOUNT = state.azureStorage.account;
  }
  if (blob && state.azureStorage.key) {
    env.AZURE_STORAGE_KEY = state.azureStorage.key;
    if (!keyVault) return env;
  }
  // DefaultAzureCredential ends with the Azure CLI's sign-in.
  return {
    ...env,
    ...credentialVariables(GO_CDK, azure.credentials, azure.tenantId),
  };
}
