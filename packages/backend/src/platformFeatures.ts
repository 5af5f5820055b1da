import authPlugin from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGitHub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderAzureRepositories from '@backstage-community/plugin-scaffolder-backend-module-azure-devops';
import { permissionPolicyModule } from './permissionPolicy';

/**
 * The Backstage platform behind the portal: catalog, scaffolder (with
 * GitHub and Azure DevOps to publish entities to a catalog repository),
 * guest sign-in and permissions.
 */
export const platformFeatures = [
  authPlugin,
  guestAuthProvider,
  catalogPlugin,
  scaffolderEntityModel,
  permissionPlugin,
  permissionPolicyModule,
  scaffolderPlugin,
  scaffolderGitHub,
  scaffolderAzureRepositories,
];
