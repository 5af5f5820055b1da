import authPlugin from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { permissionPolicyModule } from './permissionPolicy';

/**
 * The Backstage platform behind the portal: catalog, scaffolder, guest
 * sign-in and permissions. The golden path publishes to a catalog
 * repository itself, through the portal's SCM integrations.
 */
export const platformFeatures = [
  authPlugin,
  guestAuthProvider,
  catalogPlugin,
  scaffolderEntityModel,
  permissionPlugin,
  permissionPolicyModule,
  scaffolderPlugin,
];
