import catalogPulumiAzureOidc from '@esc-azure-oidc/plugin-catalog-backend-module-pulumi-azure-oidc';
import scaffolderPulumiAzureOidc from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';

/**
 * The golden path's modules: its scaffolder actions, and the catalog
 * reading its local catalog directory.
 */
export const goldenPathFeatures = [
  catalogPulumiAzureOidc,
  scaffolderPulumiAzureOidc,
];
