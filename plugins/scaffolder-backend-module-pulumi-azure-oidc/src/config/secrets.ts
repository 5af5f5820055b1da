import { PulumiAzureOidcSettings } from './settings';

/** Whether Pulumi state lives in Pulumi Cloud (or a self-hosted Pulumi Cloud). */
export function usesPulumiCloudState(
  settings: Pick<PulumiAzureOidcSettings, 'state'>,
): boolean {
  return settings.state.backendUrl.startsWith('https://');
}

/** Every configured secret value, so that none is ever logged or echoed. */
export function configuredSecrets(settings: PulumiAzureOidcSettings): string[] {
  const credentials = settings.azure.credentials;
  return [
    settings.pulumiCloud.accessToken,
    settings.state.passphrase,
    settings.state.azureStorage.key,
    credentials.type === 'clientSecret' ? credentials.clientSecret : undefined,
  ].filter((secret): secret is string => !!secret);
}
