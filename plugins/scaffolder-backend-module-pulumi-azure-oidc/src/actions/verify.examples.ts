import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Checks that the trust of the chosen environment works now, link by link.',
    example: stringify({
      steps: [
        {
          id: 'verify',
          action: 'pulumi:azureOidc:verify',
          name: 'Verify the trust',
          input: { environment: '${{ parameters.environment }}' },
        },
      ],
    }),
  },
  {
    description:
      'Records what is broken without failing the task, for a report step that follows.',
    example: stringify({
      steps: [
        {
          id: 'verify',
          action: 'pulumi:azureOidc:verify',
          name: 'Verify the trust',
          input: {
            environment: 'acme/payments/prod',
            failOnProblem: false,
          },
        },
      ],
    }),
  },
];
