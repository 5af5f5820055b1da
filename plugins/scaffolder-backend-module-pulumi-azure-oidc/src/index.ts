/**
 * Scaffolder actions that give a Pulumi ESC environment an Azure identity
 * trusted through OIDC.
 *
 * @packageDocumentation
 */
export { default } from './module';
export {
  createPulumiAzureOidcProvisionAction,
  PROVISION_ACTION_ID,
  type ProvisionActionOptions,
} from './actions/provision';
export {
  readPulumiAzureOidcConfig,
  type AzureCredentials,
  type PulumiAzureOidcSettings,
} from './config';
export {
  AutomationApiEngine,
  type ProvisioningEngine,
  type ProvisionOptions,
  type ProvisionOutcome,
} from './engine/automationEngine';
export { SecretRedactor } from './secrets';
