import { ConfigReader } from '@backstage/config';
import { readPulumiAzureOidcConfig } from '.';
import { TENANT } from '../__testUtils__/plans';
import {
  azureCredentialEnvironment,
  stateBackendEnvironment,
} from './credentialEnvironment';

describe('azureCredentialEnvironment', () => {
  it.each([
    [{ type: 'azureCli' }, undefined, { ARM_USE_CLI: 'true' }],
    [
      { type: 'managedIdentity' },
      TENANT,
      { ARM_TENANT_ID: TENANT, ARM_USE_MSI: 'true' },
    ],
    [
      { type: 'managedIdentity', clientId: 'uami' },
      undefined,
      { ARM_USE_MSI: 'true', ARM_CLIENT_ID: 'uami' },
    ],
    [
      { type: 'workloadIdentity', clientId: 'wi', tokenFilePath: '/token' },
      TENANT,
      {
        ARM_TENANT_ID: TENANT,
        ARM_USE_OIDC: 'true',
        ARM_CLIENT_ID: 'wi',
        ARM_OIDC_TOKEN_FILE_PATH: '/token',
      },
    ],
    [
      { type: 'clientSecret', clientId: 'app', clientSecret: 's' },
      TENANT,
      { ARM_TENANT_ID: TENANT, ARM_CLIENT_ID: 'app', ARM_CLIENT_SECRET: 's' },
    ],
  ] as const)('maps %o', (credentials, tenantId, env) => {
    expect(azureCredentialEnvironment(credentials, tenantId)).toEqual(env);
  });
});

describe('stateBackendEnvironment', () => {
  const settings = (config: object) =>
    readPulumiAzureOidcConfig(
      new ConfigReader({
        pulumiAzureOidc: { dataDirectory: '/data', ...config },
      }),
    );
  const azureState = {
    backendUrl: 'azblob://pulumi-state?storage_account=portalstate',
    passphrase: 'p',
  };

  it('adds nothing for state and secrets outside Azure', () => {
    expect(stateBackendEnvironment(settings({}))).toEqual({});
    expect(
      stateBackendEnvironment(
        settings({ state: { backendUrl: 's3://state', passphrase: 'p' } }),
      ),
    ).toEqual({});
  });

  it.each([
    [
      'a client secret',
      { type: 'clientSecret', clientId: 'app', clientSecret: 's' },
      {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: 'app',
        AZURE_CLIENT_SECRET: 's',
      },
    ],
    [
      'AKS workload identity',
      { type: 'workloadIdentity', clientId: 'wi', tokenFilePath: '/token' },
      {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: 'wi',
        AZURE_FEDERATED_TOKEN_FILE: '/token',
      },
    ],
    [
      'a user-assigned managed identity',
      { type: 'managedIdentity', clientId: 'uami' },
      { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'uami' },
    ],
    ['the Azure CLI', { type: 'azureCli' }, { AZURE_TENANT_ID: TENANT }],
  ])(
    'gives azblob:// state the Go CDK variables of %s',
    (_, credentials, env) => {
      expect(
        stateBackendEnvironment(
          settings({
            azure: { tenantId: TENANT, credentials },
            state: azureState,
          }),
        ),
      ).toEqual(env);
    },
  );

  it('signs in to blob storage with an account key when one is configured', () => {
    expect(
      stateBackendEnvironment(
        settings({
          azure: { tenantId: TENANT },
          state: {
            ...azureState,
            azureStorage: { account: 'portalstate', key: 'storage-key' },
          },
        }),
      ),
    ).toEqual({
      AZURE_STORAGE_ACCOUNT: 'portalstate',
      AZURE_STORAGE_KEY: 'storage-key',
    });
  });

  it('gives an Azure Key Vault secrets provider the credential even with an account key', () => {
    expect(
      stateBackendEnvironment(
        settings({
          azure: {
            tenantId: TENANT,
            credentials: { type: 'managedIdentity' },
          },
          state: {
            backendUrl: 'azblob://pulumi-state',
            secretsProvider: 'azurekeyvault://kv.vault.azure.net/keys/state',
            azureStorage: { key: 'storage-key' },
          },
        }),
      ),
    ).toEqual({ AZURE_STORAGE_KEY: 'storage-key', AZURE_TENANT_ID: TENANT });
  });
});
