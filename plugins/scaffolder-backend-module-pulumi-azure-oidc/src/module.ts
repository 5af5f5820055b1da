import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPulumiAzureOidcActions } from './actions';
import { configuredSecrets, readPulumiAzureOidcConfig } from './config';
import {
  automationApiEngine,
  EngineContext,
  environmentProvisioner,
} from './wiring';
import { EnvironmentEngine } from './engine/engine';
import { HttpClient } from './http/httpClient';
import { Stewardship } from './provisioning/stewardship';
import { createOptionsRouter } from './router';
import { SecretRedactor } from './secrets';

export interface PulumiAzureOidcModuleOptions {
  /**
   * The engine that previews and changes environments. Default: the Pulumi
   * Automation API on the backend's host, with the CLI found or installed
   * as configured.
   */
  createEngine?(context: EngineContext): EnvironmentEngine;
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
          lifecycle: coreServices.lifecycle,
          httpRouter: coreServices.httpRouter,
          auth: coreServices.auth,
          userInfo: coreServices.userInfo,
          catalog: catalogServiceRef,
        },
        async init({
          scaffolder,
          config,
          logger,
          lifecycle,
          httpRouter,
          ...deps
        }) {
          const settings = readPulumiAzureOidcConfig(config);
          const redactor = new SecretRedactor(configuredSecrets(settings));
          const http = new HttpClient({
            ...settings.network,
            redact: text => redactor.redact(text),
          });
          const engine = (options.createEngine ?? automationApiEngine)({
            settings,
            redactor,
            logger,
            http,
          });
          lifecycle.addShutdownHook(() => engine.close?.());
          const stewardship = new Stewardship({
            ...deps,
            administrators: settings.administrators,
            localCatalogDirectory: settings.localCatalogDirectory,
          });
          const provisioner = environmentProvisioner(settings, {
            engine,
            stewardship,
            redactor,
            http,
          });
          scaffolder.addActions(
            ...createPulumiAzureOidcActions({
              provisioner,
              stewardship,
              catalog: deps.catalog,
              localCatalogDirectory: settings.localCatalogDirectory,
            }),
          );
          httpRouter.use(createOptionsRouter(settings));
        },
      });
    },
  });
}

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createPulumiAzureOidcModule();
