import { CatalogService } from '@backstage/plugin-catalog-node';
import { Decommissioner } from '../lifecycle/decommissioner';
import { Verification } from '../lifecycle/verification';
import { EnvironmentProvisioner } from '../provisioning/environmentProvisioner';
import { Stewardship } from '../provisioning/stewardship';
import { createPulumiAzureOidcProvisionAction } from './provision';
import { createPulumiAzureOidcPublishLocalAction } from './publishLocal';
import { createPulumiAzureOidcRegisterLocalAction } from './registerLocal';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';
import { createPulumiAzureOidcVerifyAction } from './verify';
import { createPulumiAzureOidcDecommissionAction } from './decommission';

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
export { createPulumiAzureOidcVerifyAction, VERIFY_ACTION_ID } from './verify';
export {
  createPulumiAzureOidcDecommissionAction,
  DECOMMISSION_ACTION_ID,
} from './decommission';

/** Every action of the module, wired to one provisioning service and one catalog. */
export function createPulumiAzureOidcActions(options: {
  provisioner: EnvironmentProvisioner;
  verification: Verification;
  decommissioner: Decommissioner;
  stewardship: Stewardship;
  catalog: CatalogService;
  /** `pulumiAzureOidc.localCatalog.directory`, resolved. */
  localCatalogDirectory: string;
}) {
  const { provisioner, verification, decommissioner, stewardship, catalog } =
    options;
  const directory = options.localCatalogDirectory;
  return [
    createPulumiAzureOidcProvisionAction({ provisioner, stewardship }),
    createPulumiAzureOidcWriteCatalogInfoAction(),
    createPulumiAzureOidcPublishLocalAction({ directory, stewardship }),
    createPulumiAzureOidcRegisterLocalAction({ catalog, directory }),
    createPulumiAzureOidcVerifyAction({ verification, stewardship }),
    createPulumiAzureOidcDecommissionAction({ decommissioner, stewardship }),
  ];
}
