import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Keeps the rendered entity files in the local catalog directory.',
    example: stringify({
      steps: [
        {
          id: 'publish',
          action: 'pulumi:azureOidc:publishLocal',
          name: 'Publish to the local catalog directory',
          input: {
            entityName: '${{ steps.render.output.entityName }}',
            sourcePath: 'esc-environment',
          },
        },
      ],
    }),
  },
];
