import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

const decommissionStep = (input: object) =>
  stringify({
    steps: [
      {
        id: 'decommission',
        action: 'pulumi:azureOidc:decommission',
        name: 'Decommission the environment',
        input,
      },
    ],
  });

export const examples: TemplateExample[] = [
  {
    description:
      'Removes the identity, the ESC environment and the catalog entity of an environment the user picked and confirmed by name.',
    example: decommissionStep({
      environment: '${{ parameters.environment }}',
      confirm: '${{ parameters.confirm }}',
    }),
  },
  {
    description:
      'Decommissions an environment that others still use, each named to confirm it.',
    example: decommissionStep({
      environment: 'acme/payments/prod',
      confirm: 'acme/payments/prod',
      confirmDependants: ['payments/app', 'payments-infra/prod'],
    }),
  },
];
