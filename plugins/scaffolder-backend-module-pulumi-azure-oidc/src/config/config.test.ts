import { ConfigReader } from '@backstage/config';
import { resolve } from 'node:path';
import {
  configuredSecrets,
  readPulumiAzureOidcConfig,
  usesPulumiCloudState,
} from '.';

const SUB = '11111111-2222-3333-4444-555555555555';
const TENANT = '99999999-8888-7777-6666-555555555555';

const read = (pulumiAzureOidc: object) =>
  readPulumiAzureOidcConfig(new ConfigReader({ pulumiAzureOidc }));

describe('readPulumiAzureOidcConfig', () => {
  it('has embedded defaults that need no account', () => {
    const settings = readPulumiAzureOidcConfig(new ConfigReader({}));
    const dataDirectory = resolve('.data/pulumi-azure-oidc');
    expect(settings).toMatchObject({
      dataDirectory,
      pulumiCloud: {
        apiUrl: 'https://api.pulumi.com',
        consoleUrl: 'https://app.pulumi.com',
        issuer: 'https://api.pulumi.com/oidc',
      },
      azure: { credentials: { type: 'azureCli' } },
      // Least privilege: no subscription, no role, no subscription-wide grant.
      guardrails: {
        allowedSubscriptions: [],
        allowedRoles: [],
        allowedPrivilegedRoles: [],
        allowSubscriptionScope: false,
      },
      state: { backendUrl: `file://${dataDirectory}/state` },
      cli: { autoInstall: false },
    });
    expect(usesPulumiCloudState(settings)).toBe(false);
    expect(configuredSecrets(settings)).toEqual([]);
  });

  it('reads a full production configuration', () => {
    const settings = read({
      dataDirectory: '/var/lib/portal',
      pulumiCloud: {
        organization: 'acme',
        apiUrl: 'https://pulumi.example.com/',
        consoleUrl: 'https://pulumi-console.example.com/',
        accessToken: 'pul-token',
      },
      azure: {
        tenantId: TENANT,
        defaultSubscriptionId: SUB,
        credentials: {
          type: 'clientSecret',
          clientId: 'client',
          clientSecret: 'client-secret',
        },
      },
      guardrails: {
        allowedSubscriptions: [{ id: SUB, name: 'Payments' }],
        roles: [
          {
            name: 'AcrPull',
            id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
            privileged: false,
          },
        ],
        allowedRoles: ['Reader', 'AcrPull'],
        allowedPrivilegedRoles: ['Owner'],
        allowedScopePrefixes: [`/subscriptions/${SUB}/resourceGroups/rg-apps`],
      },
      state: {
        backendUrl: 'https://api.pulumi.com',
        organization: 'acme-platform',
      },
      cli: { root: '/opt/pulumi', autoInstall: true, version: '3.200.0' },
      administrators: ['group:platform-team', 'user:default/ada'],
    });
    expect(settings).toMatchObject({
      dataDirectory: '/var/lib/portal',
      pulumiCloud: {
        organization: 'acme',
        issuer: 'https://pulumi.example.com/oidc',
        consoleUrl: 'https://pulumi-console.example.com',
      },
      azure: {
        tenantId: TENANT,
        credentials: {
          type: 'clientSecret',
          clientId: 'client',
          clientSecret: 'client-secret',
        },
      },
      guardrails: {
        allowedSubscriptions: [{ id: SUB, name: 'Payments' }],
        allowedRoles: ['Reader', 'AcrPull'],
        allowedPrivilegedRoles: ['Owner'],
      },
      state: {
        backendUrl: 'https://api.pulumi.com',
        organization: 'acme-platform',
      },
      cli: { root: '/opt/pulumi', autoInstall: true, version: '3.200.0' },
      administrators: ['group:default/platform-team', 'user:default/ada'],
    });
    expect(settings.roles.find('acrpull')?.id).toBe(
      '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    );
    expect(usesPulumiCloudState(settings)).toBe(true);
    expect(configuredSecrets(settings).sort()).toEqual([
      'client-secret',
      'pul-token',
    ]);
  });

  it('reads workload identity from config alone, as app-config substitutes what AKS publishes', () => {
    expect(
      read({
        azure: {
          tenantId: TENANT,
          credentials: {
            type: 'workloadIdentity',
            clientId: 'aks-client',
            tokenFilePath: '/var/run/secrets/token',
          },
        },
      }).azure.credentials,
    ).toEqual({
      type: 'workloadIdentity',
      clientId: 'aks-client',
      tokenFilePath: '/var/run/secrets/token',
    });
    // The environment is the config loader's to read, never this module's.
    process.env.AZURE_FEDERATED_TOKEN_FILE = '/var/run/secrets/token';
    process.env.AZURE_CLIENT_ID = 'aks-client';
    try {
      expect(() =>
        read({
          azure: {
            tenantId: TENANT,
            credentials: { type: 'workloadIdentity' },
          },
        }),
      ).toThrow(
        "Missing required config value at 'pulumiAzureOidc.azure.credentials.clientId'",
      );
    } finally {
      delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      delete process.env.AZURE_CLIENT_ID;
    }
  });

  it.each([
    [
      { pulumiCloud: { apiUrl: 'http://pulumi.internal' } },
      'pulumiAzureOidc.pulumiCloud.apiUrl: The Pulumi Cloud API URL',
    ],
    [
      { azure: { tenantId: 'contoso' } },
      'pulumiAzureOidc.azure.tenantId must be a GUID',
    ],
    [
      { azure: { defaultSubscriptionId: 'payments' } },
      'pulumiAzureOidc.azure.defaultSubscriptionId must be a subscription id (a GUID)',
    ],
    [
      { azure: { credentials: { type: 'password' } } },
      "pulumiAzureOidc.azure.credentials.type must be one of azureCli, clientSecret, workloadIdentity, managedIdentity; got 'password'",
    ],
    [
      { azure: { credentials: { type: 'clientSecret', clientId: 'x' } } },
      "Missing required config value at 'pulumiAzureOidc.azure.credentials.clientSecret'",
    ],
    [
      {
        azure: {
          tenantId: TENANT,
          credentials: { type: 'workloadIdentity', clientId: 'x' },
        },
      },
      "Missing required config value at 'pulumiAzureOidc.azure.credentials.tokenFilePath'",
    ],
    [
      { replicas: 2 },
      `pulumiAzureOidc.state.backendUrl must be remote state (https://, azblob://, s3://, gs://) when pulumiAzureOidc.replicas is 2: file:// state lies on one replica's disk, which the others neither lock nor read`,
    ],
    [
      { replicas: 0 },
      'pulumiAzureOidc.replicas must be a whole number of backend replicas, 1 or more, got 0',
    ],
    [
      { locks: { leaseSeconds: 1 } },
      'pulumiAzureOidc.locks.leaseSeconds must be a number of seconds of 5 or more, got 1',
    ],
    [
      { guardrails: { allowedSubscriptions: [{ id: 'payments' }] } },
      'pulumiAzureOidc.guardrails.allowedSubscriptions[0].id must be a subscription id (a GUID)',
    ],
    [
      {
        guardrails: {
          roles: [{ name: 'Mine', id: 'mine', privileged: false }],
        },
      },
      "pulumiAzureOidc.guardrails.roles: The role 'Mine' has the id 'mine', which is not a GUID",
    ],
    [
      {
        guardrails: {
          roles: [
            { name: 'AcrPush', id: '8311e382-0749-4cb8-b61a-304f252e45ec' },
          ],
        },
      },
      'pulumiAzureOidc.guardrails.roles[0].privileged must be stated (true or false): whether the role can grant access to others, such as Microsoft.Authorization/roleAssignments/write',
    ],
    [
      { guardrails: { allowedRoles: ['Wizard'] } },
      "pulumiAzureOidc.guardrails.allowedRoles names 'Wizard', which is neither a built-in role nor one of guardrails.roles",
    ],
    [
      { guardrails: { allowedPrivilegedRoles: ['Root'] } },
      "pulumiAzureOidc.guardrails.allowedPrivilegedRoles names 'Root', which is neither a built-in role nor one of guardrails.roles",
    ],
    [
      {
        azure: {
          credentials: {
            type: 'clientSecret',
            clientId: 'x',
            clientSecret: 'y',
          },
        },
      },
      'pulumiAzureOidc.azure.tenantId must be set for clientSecret credentials',
    ],
    [
      {
        state: { backendUrl: 'http://pulumi.internal', passphrase: 'p' },
        pulumiCloud: { accessToken: 't' },
      },
      'pulumiAzureOidc.state.backendUrl must be a Pulumi Cloud URL (https://…)',
    ],
    [
      { state: { backendUrl: 'file://~/state' } },
      'pulumiAzureOidc.state.backendUrl must be an absolute file URL such as file:///var/lib/pulumi-state, got file://~/state',
    ],
    [
      { state: { backendUrl: 'ftp://state' } },
      'pulumiAzureOidc.state.backendUrl must be a Pulumi Cloud URL',
    ],
    [
      { state: { backendUrl: 'https://api.pulumi.com' } },
      'pulumiAzureOidc.state.backendUrl points at Pulumi Cloud, which needs pulumiAzureOidc.pulumiCloud.accessToken',
    ],
    [
      { state: { backendUrl: 'azblob://state' } },
      'pulumiAzureOidc.state.passphrase or pulumiAzureOidc.state.secretsProvider must be set for the state backend azblob://state',
    ],
    [
      { cli: { version: 'latest' } },
      "pulumiAzureOidc.cli.version must be a version such as 3.140.0, got 'latest'",
    ],
    [
      { guardrails: { allowedScopePrefixes: ['rg-apps'] } },
      "pulumiAzureOidc.guardrails.allowedScopePrefixes[0] must be an Azure resource id starting /subscriptions/<subscription id>, got 'rg-apps'",
    ],
    [
      {
        pulumiCloud: { organization: 'acme' },
        guardrails: { allowedOrganizations: ['acme-labs'] },
      },
      "pulumiAzureOidc.guardrails.allowedOrganizations must include pulumiAzureOidc.pulumiCloud.organization ('acme'), which requests use when they name none",
    ],
    [
      { azure: { applicationOwners: ['platform-team'] } },
      "pulumiAzureOidc.azure.applicationOwners[0] must be the object id (a GUID) of a user or service principal, got 'platform-team'",
    ],
    [
      { azure: { endpoints: { graph: 'graph.microsoft.us' } } },
      "pulumiAzureOidc.azure.endpoints.graph must be a URL such as https://graph.microsoft.com, got 'graph.microsoft.us'",
    ],
    [
      { network: { timeoutSeconds: 0 } },
      'pulumiAzureOidc.network.timeoutSeconds must be a number of seconds above 0, got 0',
    ],
    [
      { pulumiCloud: { organization: 'acme corp' } },
      "pulumiAzureOidc.pulumiCloud.organization must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      { guardrails: { allowedOrganizations: ['acme', '../evil'] } },
      "pulumiAzureOidc.guardrails.allowedOrganizations[1] must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      {
        azure: {
          credentials: {
            type: 'workloadIdentity',
            clientId: 'x',
            tokenFilePath: '/t',
          },
        },
      },
      'pulumiAzureOidc.azure.tenantId must be set for workloadIdentity credentials',
    ],
    [
      { preview: { workers: -1 } },
      'pulumiAzureOidc.preview.workers must be a whole number from 0 (dry runs on the main thread, in turn) to 16, got -1',
    ],
    [
      { network: { retries: 2.5 } },
      'pulumiAzureOidc.network.retries must be a whole number from 0 to 10, got 2.5',
    ],
    [
      { administrators: ['platform-team'] },
      "pulumiAzureOidc.administrators[0] must be a full entity reference such as group:default/platform-team, got 'platform-team'",
    ],
  ])('refuses %j', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });

  it("reaches Azure's public cloud unless told otherwise, and keeps co-owners as lower-case ids", () => {
    const azure = read({
      azure: {
        applicationOwners: ['0F0E0D0C-0000-4000-8000-000000000001'],
        endpoints: { graph: 'https://graph.microsoft.us/' },
      },
    }).azure;
    expect(azure.applicationOwners).toEqual([
      '0f0e0d0c-0000-4000-8000-000000000001',
    ]);
    expect(azure.endpoints).toEqual({
      login: 'https://login.microsoftonline.com',
      graph: 'https://graph.microsoft.us',
      resourceManager: 'https://management.azure.com',
      managedIdentity: 'http://169.254.169.254',
    });
  });

  it('previews in one warm worker thread unless told otherwise', () => {
    expect(read({}).preview).toEqual({ workers: 1, compareWithStack: false });
    expect(
      read({ preview: { workers: 0, compareWithStack: true } }).preview,
    ).toEqual({ workers: 0, compareWithStack: true });
  });

  it('gives calls a time limit and reads a few retries by default', () => {
    expect(read({}).network).toEqual({ timeoutSeconds: 30, retries: 3 });
    expect(
      read({ network: { timeoutSeconds: 5, retries: 0 } }).network,
    ).toEqual({ timeoutSeconds: 5, retries: 0 });
  });

  it('accepts DIY cloud backends with a passphrase or a secrets provider', () => {
    expect(
      read({ state: { backendUrl: 's3://state', passphrase: 'p' } }).state
        .passphrase,
    ).toBe('p');
    expect(
      read({
        state: {
          backendUrl: 'azblob://state',
          secretsProvider: 'azurekeyvault://kv/keys/k',
        },
      }).state.secretsProvider,
    ).toBe('azurekeyvault://kv/keys/k');
  });
});
