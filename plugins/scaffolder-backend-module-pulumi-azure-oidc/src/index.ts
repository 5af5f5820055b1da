/**
 * Scaffolder actions that give a Pulumi ESC environment an Azure identity
 * trusted through OIDC, and register the environment in the catalog.
 *
 * @packageDocumentation
 */
export {
  default,
  createPulumiAzureOidcModule,
  type EngineContext,
  type PulumiAzureOidcModuleOptions,
} from './module';
export * from './actions';
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
export { emptyStackState, type StackState } from './engine/stackState';
export {
  PulumiCloudEscEnvironments,
  type EscEnvironmentChange,
  type EscEnvironments,
} from './escEnvironments';
export {
  HttpClient,
  ServiceRequestError,
  ServiceUnreachableError,
  type HttpClientOptions,
  type ServiceCall,
  type ServiceResponse,
} from './http/httpClient';
export { SecretRedactor } from './secrets';
export { Stewardship, type StewardshipOptions } from './stewardship';
