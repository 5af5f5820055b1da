/**
 * The portal's backend for the browser journey: the production features,
 * except that the golden path's scaffolder module runs the stand-in engine
 * instead of the Pulumi Automation API, so that a run can finish, be
 * updated and be decommissioned without a cloud. Never part of the
 * production build (`src/index.ts` is its entry point).
 */
import { createBackend } from '@backstage/backend-defaults';
import scaffolderPulumiAzureOidc, {
  createPulumiAzureOidcModule,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { portalFeatures } from '../src/features';
import { standInEngine } from './standInEngine';

const { engine } = standInEngine({
  tenantId: '99999999-8888-7777-6666-555555555555',
  clientId: '5f6e7d8c-0000-4000-8000-000000000001',
});

const backend = createBackend();
for (const feature of portalFeatures) {
  backend.add(
    feature === scaffolderPulumiAzureOidc
      ? createPulumiAzureOidcModule({ createEngine: () => engine })
      : feature,
  );
}
backend.start();
