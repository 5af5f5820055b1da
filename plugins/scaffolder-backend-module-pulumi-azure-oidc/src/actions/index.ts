import { CatalogService } from '@backstage/plugin-catalog-node';
import { PulumiAzureOidcSettings } from '../config';
import { ProvisioningEngine } from '../engine/automationEngine';
import { EscEnvironments } from '../escEnvironments';
import { SecretRedactor } from '../secrets';
import { Stewardship } from '../stewardship';
import { createPulumiAzureOidcProvisionAction } from './provision';
import { createPulumiAzureOidcPublishLocalAction } from './publishLocal';
import { createPulumiAzureOidcRegisterLocalAction } from './registerLocal';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';

export {
  createPulumiAzureOidcProvisionAction,
  PROVISION_ACTION_ID,
} from './provision';
export type { ProvisionActionOptions } from './provision';
export {
  createPulumiAzureOidcPublishLocalAction,
  PUBLISH_LOCAL_ACTION_ID,
} from './publishLocal';
export {
  createPulumiAzureOidcRegisterLocalAction,
  REGISTER_LOCAL_ACTION_ID,
} from './registerLocal';
export {
  createPulumiAzureOidcWriteCatalogInfoAction,
  WRITE_CATALOG_INFO_ACTION_ID,
} from './writeCatalogInfo';

/** Every action of the module, wired to one engine and one catalog. */
export function createPulumiAzureOidcActions(options: {
  settings: PulumiAzureOidcSettings;
  engine: ProvisioningEngine;
  redactor: SecretRedactor;
  catalog: CatalogService;
  stewardship: Stewardship;
  escEnvironments?: EscEnvironments;
}) {
  const { settings, catalog, stewardship } = options;
  const directory = settings.localCatalogDirectory;
  return [
    createPulumiAzureOidcProvisionAction(options),
    createPulumiAzureOidcWriteCatalogInfoAction(),
    createPulumiAzureOidcPublishLocalAction({ directory, stewardship }),
    createPulumiAzureOidcRegisterLocalAction({ catalog, directory }),
  ];
}
