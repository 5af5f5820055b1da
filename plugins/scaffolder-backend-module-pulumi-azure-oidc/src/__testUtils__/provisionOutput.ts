/** What pulumi:azureOidc:provision outputs for acme/payments/prod. */
export const PROVISION_OUTPUT = {
  environmentRef: 'acme/payments/prod',
  clientId: 'client',
  tenantId: 'tenant',
  subscriptionId: 'subscription',
  stackName: 'acme.payments.prod-0123456789ab',
  subjectMode: 'subjectAttributes',
  subjectAttributes: ['currentEnvironment.name'],
  environmentYaml: 'values:\n  azure: {}\n',
  pulumiCloudUrl: 'https://app.pulumi.com/acme/esc/payments/prod',
  azurePortalUrl: 'https://portal.azure.com/#view/app',
  issuer: 'https://api.pulumi.com/oidc',
  audience: 'azure:acme',
  subjects: [
    'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
  ],
  roleAssignments: [
    {
      role: 'Reader',
      roleDefinitionId:
        '/subscriptions/subscription/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      scope: '/subscriptions/subscription',
    },
  ],
  request: {
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
    roleAssignments: [{ role: 'Reader' }],
    owner: 'group:default/payments-team',
  },
};
