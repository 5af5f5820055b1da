/**
 * Catalog side of the Pulumi ESC ⇄ Azure OIDC golden path's local catalog.
 *
 * @packageDocumentation
 */
export { default } from './module';
export {
  LocalFileLocationGuard,
  allowedFileDirectories,
} from './localFileGuard';
