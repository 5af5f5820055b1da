/**
 * Who may act on an ESC environment from its entity page (verify it now,
 * update it, decommission it). The portal's permission policy decides; the
 * golden path's own policy gives it to the entity's owners and the
 * golden path's administrators, the same people stewardship lets act.
 */
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

export const escEnvironmentManagePermission = createPermission({
  name: 'pulumi-azure-oidc.environment.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the golden path, for the permission registry. */
export const pulumiAzureOidcPermissions = [escEnvironmentManagePermission];
