import appPlugin from '@backstage/plugin-app-backend';
import authPlugin from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderAzureDevOps from '@backstage/plugin-scaffolder-backend-module-azure';
import scaffolderGitHub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderPulumiAzureOidc from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { permissionPolicyModule } from './permissionPolicy';

/**
 * Everything the golden path needs behind the portal, and nothing more:
 * catalog, scaffolder (with our actions and the GitHub and Azure DevOps
 * publishers), guest sign-in and permissions.
 */
export const apiFeatures = [
  authPlugin,
  guestAuthProvider,
  catalogPlugin,
  scaffolderEntityModel,
  permissionPlugin,
  permissionPolicyModule,
  scaffolderPlugin,
  scaffolderGitHub,
  scaffolderAzureDevOps,
  scaffolderPulumiAzureOidc,
];

/** The API features plus the app backend, which serves the built frontend. */
export const portalFeatures = [appPlugin, ...apiFeatures];
