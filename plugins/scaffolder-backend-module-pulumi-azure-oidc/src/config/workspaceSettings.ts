import type { WorkspaceSettings } from '../engine/automation/workspace';
import {
  azureCredentialEnvironment,
  stateBackendEnvironment,
} from './credentialEnvironment';
import { usesPulumiCloudState } from './secrets';
import { PulumiAzureOidcSettings } from './settings';

/** What the Automation API engine needs of the settings, and nothing more. */
export function workspaceSettings(
  settings: PulumiAzureOidcSettings,
): WorkspaceSettings {
  const { state, azure, pulumiCloud } = settings;
  const pulumiCloudState = usesPulumiCloudState(settings);
  return {
    dataDirectory: settings.dataDirectory,
    backendUrl: state.backendUrl,
    stackOrganization: pulumiCloudState ? state.organization : undefined,
    secretsProvider: state.secretsProvider,
    passphrase: state.passphrase,
    tenantId: azure.tenantId,
    environment: {
      ...azureCredentialEnvironment(azure.credentials, azure.tenantId),
      ...stateBackendEnvironment(settings),
      // The CLI signs in to Pulumi Cloud state with it.
      ...(pulumiCloudState && pulumiCloud.accessToken
        ? { PULUMI_ACCESS_TOKEN: pulumiCloud.accessToken }
        : {}),
    },
  };
}
