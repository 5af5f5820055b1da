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
import { ReservedEntityGuard } from './reservedEntityGuard';
import { resolve } from 'node:path';

/**
 * Lets `pulumi:azureOidc:publish` register `file` locations, and keeps
 * the catalog from reading any file outside the local catalog directory and
 * the directories of its configured locations; refuses entities that pass
 * for the portal's ESC environments from anywhere else.
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
        reader: coreServices.urlReader,
      },
      async init({ config, locations, processing, logger, reader }) {
        const localDirectory = localCatalogDirectory({
          dataDirectory: config.getOptionalString(
            'pulumiAzureOidc.dataDirectory',
          ),
          directory: config.getOptionalString(
            'pulumiAzureOidc.localCatalog.directory',
          ),
        });
        const directories = allowedFileDirectories(config, localDirectory);
        locations.setAllowedLocationTypes(['url', 'file']);
        processing.addProcessor(
          new LocalFileLocationGuard(
            directories,
            configuredFileTargets(config),
          ),
        );
        processing.addProcessor(
          new ReservedEntityGuard(
            {
              localCatalogDirectory: resolve(localDirectory),
              catalogRepositoryUrl: config.getOptionalString(
                'pulumiAzureOidc.catalogRepository.url',
              ),
            },
            { reader, logger },
          ),
        );
        logger.info(
          `File locations may be registered inside ${directories.join(', ')}`,
        );
      },
    });
  },
});
