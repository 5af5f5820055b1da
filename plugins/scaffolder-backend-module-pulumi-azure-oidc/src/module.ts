import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import { createPulumiAzureOidcActions } from './actions';
import {
  configuredSecrets,
  PulumiAzureOidcSettings,
  readPulumiAzureOidcConfig,
} from './config';
import {
  AutomationApiEngine,
  ProvisioningEngine,
} from './engine/automationEngine';
import { PulumiCli } from './engine/pulumiCli';
import { PulumiCloudEscEnvironments } from './escEnvironments';
import { HttpClient } from './http/httpClient';
import { createOptionsRouter } from './router';
import { SecretRedactor } from './secrets';
import { Stewardship } from './stewardship';

export interface PulumiAzureOidcModuleOptions {
  /**
   * The engine that runs `pulumi up`. Default: the Pulumi Automation API on
   * the backend's host, with the CLI found or installed as configured.
   */
  createEngine?(context: {
    settings: PulumiAzureOidcSettings;
    redactor: SecretRedactor;
    logger: LoggerService;
  }): ProvisioningEngine;
}

/** The scaffolder module, with its engine chosen by the caller. */
export function createPulumiAzureOidcModule(
  options: PulumiAzureOidcModuleOptions = {},
) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'pulumi-azure-oidc',
    register(reg) {
      reg.registerInit({
        deps: {
          scaffolder: scaffolderActionsExtensionPoint,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          httpRouter: coreServices.httpRouter,
          auth: coreServices.auth,
          userInfo: coreServices.userInfo,
          catalog: catalogServiceRef,
        },
        async init({
          scaffolder,
          config,
          logger,
          httpRouter,
          auth,
          userInfo,
          catalog,
        }) {
          const settings = readPulumiAzureOidcConfig(config);
          const redactor = new SecretRedactor(configuredSecrets(settings));
          const engine = (options.createEngine ?? engineOnThisHost)({
            settings,
            redactor,
            logger,
          });
          const { apiUrl, accessToken } = settings.pulumiCloud;
          const http = new HttpClient({
            ...settings.network,
            redact: text => redactor.redact(text),
          });
          const escEnvironments = accessToken
            ? new PulumiCloudEscEnvironments({ apiUrl, accessToken, http })
            : undefined;
          scaffolder.addActions(
            ...createPulumiAzureOidcActions({
              settings,
              engine,
              redactor,
              catalog,
              stewardship: new Stewardship({
                userInfo,
                auth,
                catalog,
                administrators: settings.administrators,
                localCatalogDirectory: settings.localCatalogDirectory,
              }),
              escEnvironments,
            }),
          );
          httpRouter.use(createOptionsRouter(settings));
        },
      });
    },
  });
}

function engineOnThisHost(context: {
  settings: PulumiAzureOidcSettings;
  redactor: SecretRedactor;
  logger: LoggerService;
}): ProvisioningEngine {
  const { settings, logger } = context;
  return new AutomationApiEngine({
    ...context,
    cli: new PulumiCli({
      ...settings.cli,
      installRoot: join(settings.dataDirectory, 'pulumi-cli'),
      logger,
    }),
  });
}

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createPulumiAzureOidcModule();
