import { SUBSCRIPTION, TENANT } from './plans';

/**
 * Canaries for every secret the module is configured with, in the order
 * the engine receives the last two: if one shows up where a user or an
 * auditor can read it, a redaction is missing.
 */
export const CANARIES = [
  'pul-canary-token-0001',
  'azure-canary-secret-0002',
  'state-canary-passphrase-0003',
];

/** `pulumiAzureOidc` with a canary in each secret: Pulumi Cloud, Azure and state. */
export const canaryConfig = {
  pulumiCloud: { organization: 'acme', accessToken: CANARIES[0] },
  azure: {
    tenantId: TENANT,
    defaultSubscriptionId: SUBSCRIPTION,
    credentials: {
      type: 'clientSecret',
      clientId: 'deployer',
      clientSecret: CANARIES[1],
    },
  },
  guardrails: {
    allowedSubscriptions: [{ id: SUBSCRIPTION, name: 'Payments' }],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowSubscriptionScope: true,
  },
  state: { backendUrl: 'azblob://state', passphrase: CANARIES[2] },
};
