/** What a dry run shows where only a real run would know the value. */

/** Stands for values only Azure and Entra can assign. */
export const PLACEHOLDERS = {
  clientId: '<application client id>',
  applicationObjectId: '<application object id>',
  servicePrincipalObjectId: '<service principal object id>',
  credentialId: '<credential id>',
  deployerObjectId: '<deploying principal object id>',
  tenantId: '<tenant id>',
} as const;
