import appPlugin from '@backstage/plugin-app-backend';
import authPlugin from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGitHub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderAzureRepositories from '@backstage-community/plugin-scaffolder-backend-module-azure-devops';
import catalogPulumiAzureOidc from '@esc-azure-oidc/plugin-catalog-backend-module-pulumi-azure-oidc';
import scaffolderPulumiAzureOidc from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { permissionPolicyModule } from './permissionPolicy';

/**
 * Everything the golden path needs behind the portal, and nothing more:
 * catalog (reading our local catalog directory), scaffolder (with our
 * actions, and GitHub and Azure DevOps to publish entities to a catalog
 * repository), guest sign-in and permissions.
 */
export const apiFeatures = [
  authPlugin,
  guestAuthProvider,
  catalogPlugin,
  scaffolderEntityModel,
  catalogPulumiAzureOidc,
  permissionPlugin,
  permissionPolicyModule,
  scaffolderPlugin,
  scaffolderGitHub,
  scaffolderAzureRepositories,
  scaffolderPulumiAzureOidc,
];

/** The API features plus the app backend, which serves the built frontend. */
export const portalFeatures = [appPlugin, ...apiFeatures];
