import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publishes the rendered entity files where the platform keeps them, and registers them in the catalog.',
    example: stringify({
      steps: [
        {
          id: 'publish',
          action: 'pulumi:azureOidc:publish',
          name: 'Publish to the catalog',
          input: { sourcePath: 'esc-environment' },
        },
      ],
    }),
  },
];
