/**
 * Portal side of the Pulumi ESC ⇄ Azure OIDC golden path.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export {
  pulumiAzureOidcApiRef,
  PulumiAzureOidcClient,
  type PulumiAzureOidcApi,
} from './api';
