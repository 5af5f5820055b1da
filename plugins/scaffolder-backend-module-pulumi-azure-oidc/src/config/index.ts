/**
 * The module's configuration, `pulumiAzureOidc`, read section by section
 * and refused at start-up with the offending key and the rule it breaks.
 */
import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { readAzure } from './azure';
import { readCatalogRepository } from './catalogRepository';
import { readGuardrails } from './guardrails';
import { readAdministrators, readDirectories } from './portal';
import { readPulumiCloud } from './pulumiCloud';
import {
  readCli,
  readLifecycle,
  readLocks,
  readNetwork,
  readPreview,
  readReplicas,
} from './runtime';
import { CONFIG_KEY, PulumiAzureOidcSettings } from './settings';
import { readState } from './state';

export type {
  AzureCredentials,
  AzureEndpoints,
  PulumiAzureOidcSettings,
} from './settings';
export { ConfigProblem } from './settings';
export type { CatalogRepository } from './catalogRepository';
export { configuredSecrets, usesPulumiCloudState } from './secrets';

export function readPulumiAzureOidcConfig(
  rootConfig: Config,
): PulumiAzureOidcSettings {
  const config = rootConfig.getOptionalConfig(CONFIG_KEY);
  const directories = readDirectories(config);
  const pulumiCloud = readPulumiCloud(config);
  const replicas = readReplicas(config);
  return {
    pulumiCloud,
    azure: readAzure(config),
    ...readGuardrails(config, pulumiCloud.organization),
    administrators: readAdministrators(config),
    state: readState(config, {
      dataDirectory: directories.dataDirectory,
      accessToken: pulumiCloud.accessToken,
      replicas,
    }),
    cli: readCli(config),
    network: readNetwork(config),
    preview: readPreview(config),
    lifecycle: readLifecycle(config),
    replicas,
    locks: readLocks(config),
    catalogRepository: readCatalogRepository(
      config,
      ScmIntegrations.fromConfig(rootConfig),
    ),
    ...directories,
  };
}
