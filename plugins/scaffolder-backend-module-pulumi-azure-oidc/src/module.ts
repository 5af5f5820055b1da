import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { pulumiAzureOidcPermissions } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPulumiAzureOidcActions } from './actions';
import { createCatalogDestination } from './catalogDestinations';
import { configuredSecrets, readPulumiAzureOidcConfig } from './config';
import { EnvironmentEngine } from './engine/engine';
import { HttpClient } from './http/httpClient';
import { Decommissioner } from './lifecycle/decommissioner';
import { DriftMonitor } from './lifecycle/driftMonitor';
import { moduleDatabase } from './database';
import { LifecycleStore } from './lifecycle/lifecycleStore';
import { Verification } from './lifecycle/verification';
import { Stewardship } from './provisioning/stewardship';
import { createEnvironmentRouter } from './routes/environmentRouter';
import { createOptionsRouter } from './routes/optionsRouter';
import { SecretRedactor } from './secrets';
import {
  automationApiEngine,
  EngineContext,
  environmentLocks,
  environmentProvisioner,
  escEnvironmentsOf,
  trustVerifier,
} from './wiring';

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
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          userInfo: coreServices.userInfo,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          catalog: catalogServiceRef,
          auditor: coreServices.auditor,
        },
        async init(deps) {
          const { config, logger, auth, catalog } = deps;
          const settings = readPulumiAzureOidcConfig(config);
          deps.permissionsRegistry.addPermissions(pulumiAzureOidcPermissions);
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
          deps.lifecycle.addShutdownHook(() => engine.close?.());
          const stewardship = new Stewardship({
            auth,
            catalog,
            userInfo: deps.userInfo,
            administrators: settings.administrators,
            localCatalogDirectory: settings.localCatalogDirectory,
            catalogRepositoryUrl: settings.catalogRepository?.url,
          });
          const db = await moduleDatabase(deps.database);
          const locks = environmentLocks(settings, db);
          const parts = { engine, stewardship, redactor, http, locks };
          const destination = createCatalogDestination(settings, config);
          const escEnvironments = escEnvironmentsOf(settings, parts);
          const verifier = trustVerifier(settings, parts);
          const store = LifecycleStore.over(db, {
            keep: settings.lifecycle.keepResults,
            redact: text => redactor.redact(text),
          });
          const verification = new Verification({
            engine,
            verifier,
            stewardship,
            store,
          });
          deps.scaffolder.addActions(
            ...createPulumiAzureOidcActions({
              provisioner: environmentProvisioner(settings, parts),
              verification,
              decommissioner: new Decommissioner({
                ...parts,
                escEnvironments,
                catalog,
                auth,
                roles: settings.roles,
                destination,
              }),
              stewardship,
              catalog,
              auth,
              destination,
              auditor: deps.auditor,
              redactor,
            }),
          );
          deps.httpRouter.use(
            createOptionsRouter(settings, destination.description),
          );
          deps.httpRouter.use(
            createEnvironmentRouter({
              httpAuth: deps.httpAuth,
              permissions: deps.permissions,
              catalog,
              stewardship,
              store,
              verification,
            }),
          );
          const { schedule, concurrency } = settings.lifecycle.drift;
          if (schedule) {
            const monitor = new DriftMonitor({
              engine,
              verifier,
              store,
              catalog,
              auth,
              logger,
              escEnvironments,
              concurrency,
            });
            await deps.scheduler.scheduleTask({
              id: 'pulumi-azure-oidc-drift',
              ...schedule,
              // One replica at a time runs a round.
              scope: 'global',
              fn: async signal => {
                await monitor.runRound(signal as AbortSignal);
              },
            });
          }
        },
      });
    },
  });
}

/** Registers the Pulumi ESC ⇄ Azure OIDC actions with the scaffolder. */
export default createPulumiAzureOidcModule();
