import {
  CatalogDestinationDescription,
  PROVISIONING_OPTIONS_PATH,
  ProvisioningOptions,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import express from 'express';
import { PulumiAzureOidcSettings } from '../config';

/**
 * Serves the guardrails to the portal's forms, under the scaffolder's base
 * URL. Only what developers may ask for, and where their entities go;
 * nothing secret.
 */
export function createOptionsRouter(
  settings: PulumiAzureOidcSettings,
  catalogDestination: CatalogDestinationDescription,
): express.Router {
  const options: ProvisioningOptions = {
    organization: settings.pulumiCloud.organization,
    defaultSubscriptionId: settings.azure.defaultSubscriptionId,
    guardrails: settings.guardrails,
    roles: [...settings.roles.list()],
    escEnvironmentsEnabled: !!settings.pulumiCloud.accessToken,
    catalogDestination,
  };
  const router = express.Router();
  router.get(PROVISIONING_OPTIONS_PATH, (_request, response) => {
    response.json(options);
  });
  return router;
}
