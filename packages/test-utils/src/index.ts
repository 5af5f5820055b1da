/**
 * Test helpers shared by the portal's packages.
 *
 * @packageDocumentation
 */
export * from './loopback';
