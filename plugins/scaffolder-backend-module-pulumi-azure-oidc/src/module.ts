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
import { deployerReaders } from './azure/deployerReaders';
import { PulumiCloudEscEnvironments } from './escEnvironments';
import { HttpClient } from './http/httpClient';
import { createOptionsRouter } from './router';
import { SecretRedactor } from './secrets';
import { Stewardship } from './stewardship';

/** What an engine may use: the settings, the redactor, a logger, the HTTP client. */
export interface EngineContext {
  settings: PulumiAzureOidcSettings;
  redactor: SecretRedactor;
  logger: LoggerService;
  http: HttpClient;
}

export interface PulumiAzureOidcModuleOptions {
  /**
   * The engine that runs `pulumi up`. Default: the Pulumi Automation API on
   * the backend's host, with the CLI found or installed as configured.
   */
  createEngine?(context: EngineContext): ProvisioningEngine;
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
          const http = new HttpClient({
            ...settings.network,
            redact: text => redactor.redact(text),
          });
          const engine = (options.createEngine ?? engineOnThisHost)({
            settings,
            redactor,
            logger,
            http,
          });
          const { apiUrl, accessToken } = settings.pulumiCloud;
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

function engineOnThisHost(context: EngineContext): ProvisioningEngine {
  const { settings, logger, redactor, http } = context;
  return new AutomationApiEngine({
    ...context,
    cli: new PulumiCli({
      ...settings.cli,
      installRoot: join(settings.dataDirectory, 'pulumi-cli'),
      logger,
    }),
    recovery: deployerReaders({
      azure: settings.azure,
      http,
      onToken: token => redactor.add(token),
    }),
  });
}

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createPulumiAzureOidcModule();
