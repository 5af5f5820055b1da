import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import { createPulumiAzureOidcProvisionAction } from './actions/provision';
import { configuredSecrets, readPulumiAzureOidcConfig } from './config';
import { AutomationApiEngine } from './engine/automationEngine';
import { PulumiCli } from './engine/pulumiCli';
import { SecretRedactor } from './secrets';

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'pulumi-azure-oidc',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ scaffolder, config, logger }) {
        const settings = readPulumiAzureOidcConfig(config);
        const redactor = new SecretRedactor(configuredSecrets(settings));
        const cli = new PulumiCli({
          ...settings.cli,
          installRoot: join(settings.dataDirectory, 'pulumi-cli'),
          logger,
        });
        const engine = new AutomationApiEngine({
          settings,
          cli,
          redactor,
          logger,
        });
        scaffolder.addActions(
          createPulumiAzureOidcProvisionAction({ settings, engine, redactor }),
        );
      },
    });
  },
});
