import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  canonicalScopePrefix,
  DEFAULT_DATA_DIRECTORY,
  Guardrails,
  isGuid,
  localCatalogDirectorySetting,
  oidcIssuer,
  PULUMI_CLOUD_API_URL,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { valid as validSemver } from 'semver';

/** How the Pulumi engine authenticates to Azure. */
export type AzureCredentials =
  | { type: 'azureCli' }
  | { type: 'clientSecret'; clientId: string; clientSecret: string }
  | { type: 'workloadIdentity'; clientId: string; tokenFilePath: string }
  | { type: 'managedIdentity'; clientId?: string };

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

/** The module's settings, read and checked once at start-up. */
export interface PulumiAzureOidcSettings {
  pulumiCloud: {
    organization?: string;
    apiUrl: string;
    consoleUrl: string;
    /** Present when environments may be created in Pulumi Cloud. */
    accessToken?: string;
    issuer: string;
  };
  azure: {
    tenantId?: string;
    defaultSubscriptionId?: string;
    credentials: AzureCredentials;
    /** Object ids that co-own every Entra application, besides the deployer. */
    applicationOwners: string[];
    /** Where the module calls Entra, Graph and ARM itself (recovery, verification). */
    endpoints: AzureEndpoints;
  };
  guardrails: Guardrails;
  roles: RoleCatalogue;
  /** Users and groups who may act for every owner (full entity references). */
  administrators: string[];
  state: {
    /** `https://…` for Pulumi Cloud, or a DIY backend (`file://`, `azblob://`, `s3://`, `gs://`). */
    backendUrl: string;
    /** Passphrase of the passphrase secrets provider; generated for local file state when unset. */
    passphrase?: string;
    /** A secrets provider URL; unset: Pulumi Cloud's, or the passphrase provider on DIY backends. */
    secretsProvider?: string;
    /** The Pulumi Cloud organization holding the stacks (Pulumi Cloud state only). */
    organization?: string;
    /** The storage account of `azblob://` state, and its key when not signing in with Entra. */
    azureStorage: { account?: string; key?: string };
  };
  cli: {
    /** A Pulumi CLI installation (the directory holding `bin/pulumi`). */
    root?: string;
    autoInstall: boolean;
    /** The version to install; unset: the one matching the bundled Pulumi SDK. */
    version?: string;
  };
  /** Calls the module makes itself (Pulumi Cloud, Entra, ARM). */
  network: {
    /** Per attempt. */
    timeoutSeconds: number;
    /** Further attempts of reads that failed to connect or got 429 or 5xx. */
    retries: number;
  };
  /** Where Pulumi's workspaces, plugins, local state and installed CLI live. */
  dataDirectory: string;
  /** Where environments' entity files go on portals without a git host. */
  localCatalogDirectory: string;
}

const KEY = 'pulumiAzureOidc';

/** Reads `pulumiAzureOidc`, failing with the offending key when something is wrong. */
export function readPulumiAzureOidcConfig(
  rootConfig: Config,
): PulumiAzureOidcSettings {
  const config = rootConfig.getOptionalConfig(KEY);
  const dataDirectory = resolve(
    config?.getOptionalString('dataDirectory') ?? DEFAULT_DATA_DIRECTORY,
  );

  const apiUrl =
    config?.getOptionalString('pulumiCloud.apiUrl') ?? PULUMI_CLOUD_API_URL;
  let issuer: string;
  try {
    issuer = oidcIssuer(apiUrl);
  } catch (error) {
    throw new Error(`${KEY}.pulumiCloud.apiUrl: ${(error as Error).message}`);
  }

  const tenantId = config?.getOptionalString('azure.tenantId');
  if (tenantId !== undefined && !isGuid(tenantId)) {
    throw new Error(`${KEY}.azure.tenantId must be a GUID`);
  }
  const defaultSubscriptionId = config?.getOptionalString(
    'azure.defaultSubscriptionId',
  );
  if (defaultSubscriptionId !== undefined && !isGuid(defaultSubscriptionId)) {
    throw new Error(`${KEY}.azure.defaultSubscriptionId must be a GUID`);
  }

  const allowedSubscriptions = (
    config?.getOptionalConfigArray('guardrails.allowedSubscriptions') ?? []
  ).map((entry, index) => {
    const id = entry.getString('id');
    if (!isGuid(id)) {
      throw new Error(
        `${KEY}.guardrails.allowedSubscriptions[${index}].id must be a GUID`,
      );
    }
    return { id, name: entry.getOptionalString('name') };
  });

  let roles: RoleCatalogue;
  try {
    roles = new RoleCatalogue(
      (config?.getOptionalConfigArray('guardrails.roles') ?? []).map(entry => ({
        name: entry.getString('name'),
        id: entry.getString('id'),
        privileged: entry.getOptionalBoolean('privileged') ?? false,
      })),
    );
  } catch (error) {
    throw new Error(`${KEY}.guardrails.roles: ${(error as Error).message}`);
  }
  const defaultOrganization = config?.getOptionalString(
    'pulumiCloud.organization',
  );
  const guardrails: Guardrails = {
    allowedOrganizations:
      config?.getOptionalStringArray('guardrails.allowedOrganizations') ??
      (defaultOrganization ? [defaultOrganization] : []),
    allowedSubscriptions,
    allowedRoles: config?.getOptionalStringArray('guardrails.allowedRoles'),
    allowedPrivilegedRoles:
      config?.getOptionalStringArray('guardrails.allowedPrivilegedRoles') ?? [],
    allowedScopePrefixes: config
      ?.getOptionalStringArray('guardrails.allowedScopePrefixes')
      ?.map((prefix, index) => {
        const canonical = canonicalScopePrefix(prefix);
        if ('problem' in canonical) {
          throw new Error(
            `${KEY}.guardrails.allowedScopePrefixes[${index}] ${canonical.problem}`,
          );
        }
        return canonical.prefix;
      }),
    allowIacSubject:
      config?.getOptionalBoolean('guardrails.allowIacSubject') ?? false,
  };
  if (
    defaultOrganization &&
    !guardrails.allowedOrganizations.includes(defaultOrganization)
  ) {
    throw new Error(
      `${KEY}.guardrails.allowedOrganizations must include ${KEY}.pulumiCloud.organization ('${defaultOrganization}'), which requests use when they name none`,
    );
  }
  for (const key of ['allowedRoles', 'allowedPrivilegedRoles'] as const) {
    const unknown = guardrails[key]?.find(role => !roles.find(role));
    if (unknown) {
      throw new Error(
        `${KEY}.guardrails.${key} names '${unknown}', which is neither a built-in role nor one of guardrails.roles`,
      );
    }
  }

  const credentials = readAzureCredentials(
    config?.getOptionalConfig('azure.credentials'),
  );
  // AKS workload identity publishes the tenant next to the client id.
  const credentialsTenant =
    credentials.type === 'workloadIdentity'
      ? process.env.AZURE_TENANT_ID
      : undefined;
  if (
    (credentials.type === 'clientSecret' ||
      credentials.type === 'workloadIdentity') &&
    !(tenantId ?? credentialsTenant)
  ) {
    throw new Error(
      `${KEY}.azure.tenantId must be set for ${credentials.type} credentials`,
    );
  }

  const backendUrl =
    config?.getOptionalString('state.backendUrl') ??
    pathToFileURL(resolve(dataDirectory, 'state')).href;
  if (!/^(https|file|azblob|s3|gs):\/\//.test(backendUrl)) {
    throw new Error(
      `${KEY}.state.backendUrl must be a Pulumi Cloud URL (https://…) or a DIY backend (file://, azblob://, s3://, gs://)`,
    );
  }
  if (backendUrl.startsWith('file://')) {
    try {
      fileURLToPath(backendUrl);
    } catch {
      throw new Error(
        `${KEY}.state.backendUrl must be an absolute file URL such as file:///var/lib/pulumi-state, got ${backendUrl}`,
      );
    }
  }

  const accessToken = config?.getOptionalString('pulumiCloud.accessToken');
  const passphrase = config?.getOptionalString('state.passphrase');
  const secretsProvider = config?.getOptionalString('state.secretsProvider');
  if (backendUrl.startsWith('https://') && !accessToken) {
    throw new Error(
      `${KEY}.state.backendUrl points at Pulumi Cloud, which needs ${KEY}.pulumiCloud.accessToken`,
    );
  }
  if (
    /^(azblob|s3|gs):\/\//.test(backendUrl) &&
    !passphrase &&
    !secretsProvider
  ) {
    throw new Error(
      `${KEY}.state.passphrase or ${KEY}.state.secretsProvider must be set for the state backend ${backendUrl}`,
    );
  }

  return {
    pulumiCloud: {
      organization: defaultOrganization,
      apiUrl,
      consoleUrl: (
        config?.getOptionalString('pulumiCloud.consoleUrl') ??
        'https://app.pulumi.com'
      ).replace(/\/+$/, ''),
      accessToken,
      issuer,
    },
    azure: {
      tenantId: tenantId ?? credentialsTenant,
      defaultSubscriptionId,
      credentials,
      applicationOwners: readApplicationOwners(config),
      endpoints: readEndpoints(config),
    },
    guardrails,
    roles,
    administrators: readAdministrators(config),
    state: {
      backendUrl,
      passphrase,
      secretsProvider,
      organization: config?.getOptionalString('state.organization'),
      azureStorage: {
        account: config?.getOptionalString('state.azureStorage.account'),
        key: config?.getOptionalString('state.azureStorage.key'),
      },
    },
    cli: {
      root: config?.getOptionalString('cli.root'),
      autoInstall: config?.getOptionalBoolean('cli.autoInstall') ?? false,
      version: readCliVersion(config),
    },
    network: readNetwork(config),
    dataDirectory,
    localCatalogDirectory: resolve(localCatalogDirectorySetting(rootConfig)),
  };
}

function readApplicationOwners(config: Config | undefined): string[] {
  return (config?.getOptionalStringArray('azure.applicationOwners') ?? []).map(
    (owner, index) => {
      if (!isGuid(owner)) {
        throw new Error(
          `${KEY}.azure.applicationOwners[${index}] must be the object id (a GUID) of a user or service principal, got '${owner}'`,
        );
      }
      return owner.toLowerCase();
    },
  );
}

function readEndpoints(config: Config | undefined): AzureEndpoints {
  const endpoints = { ...PUBLIC_CLOUD_ENDPOINTS };
  for (const name of Object.keys(endpoints) as Array<keyof AzureEndpoints>) {
    const value = config?.getOptionalString(`azure.endpoints.${name}`);
    if (value === undefined) continue;
    try {
      endpoints[name] = new URL(value).origin;
    } catch {
      throw new Error(
        `${KEY}.azure.endpoints.${name} must be a URL such as ${PUBLIC_CLOUD_ENDPOINTS[name]}, got '${value}'`,
      );
    }
  }
  return endpoints;
}

function readNetwork(
  config: Config | undefined,
): PulumiAzureOidcSettings['network'] {
  const timeoutSeconds =
    config?.getOptionalNumber('network.timeoutSeconds') ?? 30;
  const retries = config?.getOptionalNumber('network.retries') ?? 3;
  if (!(timeoutSeconds > 0)) {
    throw new Error(
      `${KEY}.network.timeoutSeconds must be a number of seconds above 0, got ${timeoutSeconds}`,
    );
  }
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new Error(
      `${KEY}.network.retries must be a whole number from 0 to 10, got ${retries}`,
    );
  }
  return { timeoutSeconds, retries };
}

function readCliVersion(config: Config | undefined): string | undefined {
  const version = config?.getOptionalString('cli.version');
  if (version !== undefined && !validSemver(version)) {
    throw new Error(
      `${KEY}.cli.version must be a version such as 3.140.0, got '${version}'`,
    );
  }
  return version;
}

function readAdministrators(config: Config | undefined): string[] {
  return (config?.getOptionalStringArray('administrators') ?? []).map(
    (ref, index) => {
      try {
        return stringifyEntityRef(parseEntityRef(ref));
      } catch {
        throw new Error(
          `${KEY}.administrators[${index}] must be a full entity reference such as group:default/platform-team, got '${ref}'`,
        );
      }
    },
  );
}

function readAzureCredentials(config: Config | undefined): AzureCredentials {
  const type = config?.getOptionalString('type') ?? 'azureCli';
  const key = `${KEY}.azure.credentials`;
  switch (type) {
    case 'azureCli':
      return { type };
    case 'clientSecret':
      return {
        type,
        clientId: config!.getString('clientId'),
        clientSecret: config!.getString('clientSecret'),
      };
    case 'workloadIdentity': {
      const tokenFilePath =
        config!.getOptionalString('tokenFilePath') ??
        process.env.AZURE_FEDERATED_TOKEN_FILE;
      if (!tokenFilePath) {
        throw new Error(
          `${key}.tokenFilePath must be set when AZURE_FEDERATED_TOKEN_FILE is not`,
        );
      }
      return {
        type,
        clientId:
          config!.getOptionalString('clientId') ??
          requiredEnv('AZURE_CLIENT_ID', `${key}.clientId`),
        tokenFilePath,
      };
    }
    case 'managedIdentity':
      return { type, clientId: config!.getOptionalString('clientId') };
    default:
      throw new Error(
        `${key}.type must be one of azureCli, clientSecret, workloadIdentity, managedIdentity; got '${type}'`,
      );
  }
}

function requiredEnv(name: string, key: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${key} must be set when ${name} is not`);
  }
  return value;
}

/** Whether Pulumi state lives in Pulumi Cloud (or a self-hosted Pulumi Cloud). */
export function usesPulumiCloudState(
  settings: PulumiAzureOidcSettings,
): boolean {
  return settings.state.backendUrl.startsWith('https://');
}

/** Every configured secret value, so that none is ever logged or echoed. */
export function configuredSecrets(settings: PulumiAzureOidcSettings): string[] {
  const credentials = settings.azure.credentials;
  return [
    settings.pulumiCloud.accessToken,
    settings.state.passphrase,
    settings.state.azureStorage.key,
    credentials.type === 'clientSecret' ? credentials.clientSecret : undefined,
  ].filter((secret): secret is string => !!secret);
}
