import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

const step = (input: Record<string, unknown>) =>
  stringify({
    steps: [
      {
        id: 'provision',
        action: 'pulumi:azureOidc:provision',
        name: 'Provision the Azure identity',
        input,
      },
    ],
  });

export const examples: TemplateExample[] = [
  {
    description:
      'Reader on the whole default subscription for an environment in the default organization.',
    example: step({
      project: 'payments',
      environment: 'dev',
      roleAssignments: [{ role: 'Reader' }],
      owner: 'group:default/payments-team',
    }),
  },
  {
    description:
      'Contributor on one resource group, Key Vault secrets, and the environment created in Pulumi Cloud.',
    example: step({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      roleAssignments: [
        { role: 'Contributor', scope: 'rg-payments-prod' },
        {
          role: 'Key Vault Secrets User',
          scope:
            '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
        },
      ],
      keyVault: {
        name: 'kv-payments-prod',
        secrets: ['db-password', 'stripe-api-key'],
      },
      createEscEnvironment: true,
      owner: 'group:default/payments-team',
    }),
  },
  {
    description:
      'Subjects that also name the root environment, trusted when opened directly or through apps/web; owned by the user running the task.',
    example: step({
      project: 'shared',
      environment: 'azure-login',
      roleAssignments: [{ role: 'Reader', scope: 'subscription' }],
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
      rootEnvironments: ['apps/web'],
    }),
  },
  {
    description:
      'The plain environment subject, which only the environment opened directly presents, plus the <yaml> subject of every Pulumi IaC stack of the organization, where the platform allows it (guardrails.allowIacSubject). The default subject mode serves stacks without it.',
    example: step({
      project: 'payments',
      environment: 'deploy',
      roleAssignments: [{ role: 'Contributor', scope: 'rg-payments' }],
      subjectMode: 'environment',
      includeIacSubject: true,
      owner: 'group:default/payments-team',
    }),
  },
];
