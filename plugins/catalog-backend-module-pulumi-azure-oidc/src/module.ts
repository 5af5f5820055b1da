import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { localCatalogDirectory } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import {
  allowedFileDirectories,
  configuredFileTargets,
  LocalFileLocationGuard,
} from './localFileGuard';

/**
 * Lets `pulumi:azureOidc:publish` register `file` locations, and keeps
 * the catalog from reading any file outside the local catalog directory and
 * the directories of its configured locations.
 */
export default createBackendModule({
  pluginId: 'catalog',
  moduleId: 'pulumi-azure-oidc-local-catalog',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        locations: catalogLocationsExtensionPoint,
        processing: catalogProcessingExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ config, locations, processing, logger }) {
        const directories = allowedFileDirectories(
          config,
          localCatalogDirectory({
            dataDirectory: config.getOptionalString(
              'pulumiAzureOidc.dataDirectory',
            ),
            directory: config.getOptionalString(
              'pulumiAzureOidc.localCatalog.directory',
            ),
          }),
        );
        locations.setAllowedLocationTypes(['url', 'file']);
        processing.addProcessor(
          new LocalFileLocationGuard(
            directories,
            configuredFileTargets(config),
          ),
        );
        logger.info(
          `File locations may be registered inside ${directories.join(', ')}`,
        );
      },
    });
  },
});
