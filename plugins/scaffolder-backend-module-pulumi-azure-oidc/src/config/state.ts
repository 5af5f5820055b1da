import { Config } from '@backstage/config';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigProblem, PulumiAzureOidcSettings } from './settings';

const BACKENDS = /^(https|file|azblob|s3|gs):\/\//;
const CLOUD_BACKENDS = /^(azblob|s3|gs):\/\//;

/**
 * `state`: where stacks live and how their secrets are encrypted. Pulumi
 * Cloud state needs the token; DIY cloud state needs a passphrase or a
 * secrets provider; local file state defaults into the data directory.
 */
export function readState(
  config: Config | undefined,
  context: { dataDirectory: string; accessToken?: string; replicas: number },
): PulumiAzureOidcSettings['state'] {
  const backendUrl =
    config?.getOptionalString('state.backendUrl') ??
    pathToFileURL(resolve(context.dataDirectory, 'state')).href;
  if (!BACKENDS.test(backendUrl)) {
    throw new ConfigProblem(
      'state.backendUrl',
      'must be a Pulumi Cloud URL (https://…) or a DIY backend (file://, azblob://, s3://, gs://)',
    );
  }
  if (backendUrl.startsWith('file://') && context.replicas > 1) {
    // Each replica would keep its own stacks, with no lock or history the
    // others see, and its own generated passphrase.
    throw new ConfigProblem(
      'state.backendUrl',
      `must be remote state (https://, azblob://, s3://, gs://) when pulumiAzureOidc.replicas is ${context.replicas}: file:// state lies on one replica's disk, which the others neither lock nor read`,
    );
  }
  if (backendUrl.startsWith('file://')) {
    try {
      fileURLToPath(backendUrl);
    } catch {
      throw new ConfigProblem(
        'state.backendUrl',
        `must be an absolute file URL such as file:///var/lib/pulumi-state, got ${backendUrl}`,
      );
    }
  }
  const passphrase = config?.getOptionalString('state.passphrase');
  const secretsProvider = config?.getOptionalString('state.secretsProvider');
  if (backendUrl.startsWith('https://') && !context.accessToken) {
    throw new ConfigProblem(
      'state.backendUrl',
      'points at Pulumi Cloud, which needs pulumiAzureOidc.pulumiCloud.accessToken',
    );
  }
  if (CLOUD_BACKENDS.test(backendUrl) && !passphrase && !secretsProvider) {
    throw new ConfigProblem(
      'state.passphrase',
      `or pulumiAzureOidc.state.secretsProvider must be set for the state backend ${backendUrl}`,
    );
  }
  return {
    backendUrl,
    passphrase,
    secretsProvider,
    organization: config?.getOptionalString('state.organization'),
    azureStorage: {
      account: config?.getOptionalString('state.azureStorage.account'),
      key: config?.getOptionalString('state.azureStorage.key'),
    },
  };
}
