/**
 * Starts the given backend features with the golden path's scaffolder
 * module over another engine: how the stand-in backends of the browser
 * journey and the replica test are made. Never part of the production build.
 */
import { createBackend } from '@backstage/backend-defaults';
import { BackendFeature } from '@backstage/backend-plugin-api';
import scaffolderPulumiAzureOidc, {
  createPulumiAzureOidcModule,
  EnvironmentEngine,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';

/** The tenant and client id the stand-in's identities report. */
export const STAND_IN_IDENTITY = {
  tenantId: '99999999-8888-7777-6666-555555555555',
  clientId: '5f6e7d8c-0000-4000-8000-000000000001',
};

export function startBackendWithEngine(
  features: BackendFeature[],
  engine: EnvironmentEngine,
) {
  const backend = createBackend();
  for (const feature of features) {
    backend.add(
      feature === scaffolderPulumiAzureOidc
        ? createPulumiAzureOidcModule({ createEngine: () => engine })
        : feature,
    );
  }
  return backend.start();
}
