/**
 * What the portal tells its forms about the platform's guardrails, so that
 * they check requests with the very rules the action applies.
 */
import { CatalogDestinationDescription } from './catalogDestination';
import { Guardrails } from './guardrails';
import { RoleDefinition } from './roles';

/** Served by the scaffolder module under the scaffolder's base URL. */
export const PROVISIONING_OPTIONS_PATH = '/pulumi-azure-oidc/options';

export interface ProvisioningOptions {
  /** The organization of environments whose request names none. */
  organization?: string;
  /** The subscription of environments whose request names none. */
  defaultSubscriptionId?: string;
  guardrails: Guardrails;
  /** The whole role catalogue, built-in roles included. */
  roles: RoleDefinition[];
  /** Whether environments can be created in Pulumi Cloud. */
  escEnvironmentsEnabled: boolean;
  /** Where environments' catalog entities go. */
  catalogDestination: CatalogDestinationDescription;
}

/** Where the modules keep their data when `pulumiAzureOidc.dataDirectory` is unset. */
export const DEFAULT_DATA_DIRECTORY = '.data/pulumi-azure-oidc';

/**
 * The local catalog directory, as configured (relative paths are the
 * backend's to resolve): `pulumiAzureOidc.localCatalog.directory`, or
 * `catalog` in the data directory.
 */
export function localCatalogDirectory(settings: {
  /** `pulumiAzureOidc.dataDirectory`. */
  dataDirectory?: string;
  /** `pulumiAzureOidc.localCatalog.directory`. */
  directory?: string;
}): string {
  return (
    settings.directory ??
    `${settings.dataDirectory ?? DEFAULT_DATA_DIRECTORY}/catalog`
  );
}
