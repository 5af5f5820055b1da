import {
  PlanContext,
  planProvisioning,
  ProvisionPlan,
  ProvisionRequest,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const TENANT = '99999999-8888-7777-6666-555555555555';

export const planContext: PlanContext = {
  defaultOrganization: 'acme',
  defaultSubscriptionId: SUBSCRIPTION,
  issuer: 'https://api.pulumi.com/oidc',
  guardrails: {
    allowedOrganizations: ['acme'],
    allowedSubscriptions: [{ id: SUBSCRIPTION, name: 'Payments' }],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowedPrivilegedRoles: [],
    allowSubscriptionScope: true,
    allowIacSubject: true,
  },
  roles: new RoleCatalogue(),
  escEnvironmentsEnabled: true,
  requester: {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/payments-team'],
    administrator: false,
  },
};

/** A valid plan for acme/payments/prod, with the given changes to the request. */
export function testPlan(
  overrides: Partial<ProvisionRequest> = {},
): ProvisionPlan {
  const result = planProvisioning(
    {
      project: 'payments',
      environment: 'prod',
      roleAssignments: [{ role: 'Reader' }],
      owner: 'group:default/payments-team',
      ...overrides,
    },
    planContext,
  );
  if (!result.plan) {
    throw new Error(`test plan is invalid: ${JSON.stringify(result.problems)}`);
  }
  return result.plan;
}

/** The credential of the plain subject, as an earlier run left it in the stack. */
export const RECORDED_ENVIRONMENT_CREDENTIAL = {
  logicalName: 'credential-pulumi-esc-environment',
  name: 'pulumi-esc-environment',
  issuer: 'https://api.pulumi.com/oidc',
  audience: 'azure:acme',
  subject: 'pulumi:environments:org:acme:env:payments/prod',
  description: 'Pulumi ESC environment acme/payments/prod',
};
