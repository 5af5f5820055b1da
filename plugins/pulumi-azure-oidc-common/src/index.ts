/**
 * The rules of the Pulumi ESC ⇄ Azure OIDC golden path, shared by the
 * scaffolder actions and the portal's forms.
 *
 * @packageDocumentation
 */
export * from './armNames';
export * from './names';
export * from './oidc';
export * from './federatedCredentials';
export * from './credentials';
export * from './tokenClaims';
export * from './roles';
export * from './scopes';
export * from './guardrails';
export * from './environmentYaml';
export * from './request';
export * from './fieldRules';
export * from './entraApplication';
export * from './plannedRoleAssignments';
export * from './plan';
export * from './catalogEntity';
export * from './environmentView';
export * from './catalogDestination';
export * from './options';
export * from './stewardship';
export * from './memoizeUntilFailure';
export * from './permissions';
export * from './environmentStatus';
