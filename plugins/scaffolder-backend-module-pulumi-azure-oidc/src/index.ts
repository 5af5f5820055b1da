/**
 * Scaffolder actions that give a Pulumi ESC environment an Azure identity
 * trusted through OIDC, and register the environment in the catalog.
 *
 * @packageDocumentation
 */
export {
  default,
  createPulumiAzureOidcModule,
  type PulumiAzureOidcModuleOptions,
} from './module';
export {
  automationApiEngine,
  environmentProvisioner,
  escEnvironmentsOf,
  trustVerifier,
  type EngineContext,
  type ServiceParts,
} from './wiring';
export { TrustVerifier, CHECKS } from './lifecycle/trustVerifier';
export {
  describeDrift,
  DriftMonitor,
  type DriftMonitorOptions,
  type RoundSummary,
} from './lifecycle/driftMonitor';
export { LifecycleStore } from './lifecycle/lifecycleStore';
export { parseEnvironmentRef } from './lifecycle/environmentTarget';
export * from './actions';
export {
  ConfigProblem,
  configuredSecrets,
  readPulumiAzureOidcConfig,
  type AzureCredentials,
  type PulumiAzureOidcSettings,
} from './config';
export * from './engine/engine';
export { emptyStackState } from './engine/stackModel';
export {
  createPreviewRunner,
  type PreviewRunner,
  type PreviewRequest,
} from './engine/preview/previewRunner';
export { PLACEHOLDERS as PREVIEW_PLACEHOLDERS } from './engine/preview/placeholders';
export {
  EnvironmentProvisioner,
  type ProvisionerOptions,
  type ProvisionOutcome,
  type ProvisionResult,
  type ProvisionTask,
} from './provisioning/environmentProvisioner';
export {
  Stewardship,
  type ChangeRequest,
  type StewardshipOptions,
} from './provisioning/stewardship';
export { PulumiCloudEscEnvironments } from './pulumiCloud/pulumiCloudEscEnvironments';
export type {
  EscEnvironmentChange,
  EscEnvironments,
  EscReferrers,
} from './pulumiCloud/escEnvironments';
export {
  HttpClient,
  ServiceRequestError,
  ServiceUnreachableError,
  type HttpClientOptions,
  type ServiceCall,
  type ServiceResponse,
} from './http/httpClient';
export { SecretRedactor } from './secrets';
