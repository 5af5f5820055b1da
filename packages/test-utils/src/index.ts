/**
 * Test helpers shared by the portal's packages.
 *
 * @packageDocumentation
 */
export * from './loopback';
export * from './azureStandIn';
export * from './oidcIssuerStandIn';
export * from './pulumiCloudStandIn';
export * from './gitHttpServer';
export * from './pulumiReleases';
