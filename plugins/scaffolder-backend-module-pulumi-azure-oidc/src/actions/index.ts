import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuditOptions } from '../audit';
import { CatalogDestination } from '../catalogDestinations';
import { Decommissioner } from '../lifecycle/decommissioner';
import { Verification } from '../lifecycle/verification';
import { EnvironmentProvisioner } from '../provisioning/environmentProvisioner';
import { Stewardship } from '../provisioning/stewardship';
import { createPulumiAzureOidcProvisionAction } from './provision';
import { createPulumiAzureOidcPublishAction } from './publish';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';
import { createPulumiAzureOidcVerifyAction } from './verify';
import { createPulumiAzureOidcDecommissionAction } from './decommission';

export {
  createPulumiAzureOidcProvisionAction,
  PROVISION_ACTION_ID,
} from './provision';
export type { ProvisionActionOptions } from './provision';
export {
  createPulumiAzureOidcPublishAction,
  PUBLISH_ACTION_ID,
} from './publish';
export {
  createPulumiAzureOidcWriteCatalogInfoAction,
  WRITE_CATALOG_INFO_ACTION_ID,
} from './writeCatalogInfo';
export { createPulumiAzureOidcVerifyAction, VERIFY_ACTION_ID } from './verify';
export {
  createPulumiAzureOidcDecommissionAction,
  DECOMMISSION_ACTION_ID,
} from './decommission';
export { AUDIT_EVENTS, type AuditOptions } from '../audit';

/** Every action of the module, wired to one provisioning service, one catalog and one destination. */
export function createPulumiAzureOidcActions(
  options: {
    provisioner: EnvironmentProvisioner;
    verification: Verification;
    decommissioner: Decommissioner;
    stewardship: Stewardship;
    catalog: CatalogService;
    /** The module's own credentials, to move entities an earlier release named. */
    auth: AuthService;
    /** Where entity files go, as the platform configures it. */
    destination: CatalogDestination;
  } & AuditOptions,
) {
  const {
    provisioner,
    verification,
    decommissioner,
    stewardship,
    catalog,
    auth,
    destination,
    auditor,
    redactor,
  } = options;
  // Provisioning, verifying and decommissioning keep an audit trail.
  const audit = { auditor, redactor };
  return [
    createPulumiAzureOidcProvisionAction({
      provisioner,
      stewardship,
      ...audit,
    }),
    createPulumiAzureOidcWriteCatalogInfoAction(),
    createPulumiAzureOidcPublishAction({
      destination,
      catalog,
      auth,
      stewardship,
    }),
    createPulumiAzureOidcVerifyAction({ verification, stewardship, ...audit }),
    createPulumiAzureOidcDecommissionAction({
      decommissioner,
      stewardship,
      ...audit,
    }),
  ];
}
