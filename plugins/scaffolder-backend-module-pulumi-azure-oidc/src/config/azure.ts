import { Config } from '@backstage/config';
import {
  checkSubscriptionId,
  isGuid,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  AZURE_CREDENTIAL_TYPES,
  AzureCredentials,
  AzureEndpoints,
  PUBLIC_CLOUD_ENDPOINTS,
} from '../azure/azureCredentials';
import { ConfigProblem, PulumiAzureOidcSettings } from './settings';

/**
 * `azure`: the tenant, the default subscription, how the deployer signs in,
 * who co-owns what it creates, and where Azure's endpoints are. Values the
 * platform injects (AKS workload identity's `AZURE_CLIENT_ID`…) reach the
 * config through `${VARIABLE}` substitution, not from the environment here.
 */
export function readAzure(
  config: Config | undefined,
): PulumiAzureOidcSettings['azure'] {
  const tenantId = config?.getOptionalString('azure.tenantId');
  if (tenantId !== undefined && !isGuid(tenantId)) {
    throw new ConfigProblem('azure.tenantId', 'must be a GUID');
  }
  const defaultSubscriptionId = config?.getOptionalString(
    'azure.defaultSubscriptionId',
  );
  const subscriptionProblem =
    defaultSubscriptionId === undefined
      ? undefined
      : checkSubscriptionId(defaultSubscriptionId);
  if (subscriptionProblem) {
    throw new ConfigProblem('azure.defaultSubscriptionId', subscriptionProblem);
  }
  const credentials = readCredentials(
    config?.getOptionalConfig('azure.credentials'),
  );
  if (
    credentials.type !== 'azureCli' &&
    credentials.type !== 'managedIdentity' &&
    !tenantId
  ) {
    throw new ConfigProblem(
      'azure.tenantId',
      `must be set for ${credentials.type} credentials`,
    );
  }
  return {
    tenantId,
    defaultSubscriptionId,
    credentials,
    applicationOwners: readApplicationOwners(config),
    endpoints: readEndpoints(config),
  };
}

function readCredentials(config: Config | undefined): AzureCredentials {
  const type = config?.getOptionalString('type') ?? 'azureCli';
  switch (type) {
    case 'azureCli':
      return { type };
    case 'clientSecret':
      return {
        type,
        clientId: config!.getString('clientId'),
        clientSecret: config!.getString('clientSecret'),
      };
    case 'workloadIdentity':
      return {
        type,
        clientId: config!.getString('clientId'),
        tokenFilePath: config!.getString('tokenFilePath'),
      };
    case 'managedIdentity':
      return { type, clientId: config!.getOptionalString('clientId') };
    default:
      throw new ConfigProblem(
        'azure.credentials.type',
        `must be one of ${AZURE_CREDENTIAL_TYPES.join(', ')}; got '${type}'`,
      );
  }
}

function readApplicationOwners(config: Config | undefined): string[] {
  return (config?.getOptionalStringArray('azure.applicationOwners') ?? []).map(
    (owner, index) => {
      if (!isGuid(owner)) {
        throw new ConfigProblem(
          `azure.applicationOwners[${index}]`,
          `must be the object id (a GUID) of a user or service principal, got '${owner}'`,
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
      throw new ConfigProblem(
        `azure.endpoints.${name}`,
        `must be a URL such as ${PUBLIC_CLOUD_ENDPOINTS[name]}, got '${value}'`,
      );
    }
  }
  return endpoints;
}
