import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Registers the published entity file, or refreshes it on later runs.',
    example: stringify({
      steps: [
        {
          id: 'register',
          action: 'pulumi:azureOidc:registerLocal',
          name: 'Register in the catalog',
          input: {
            catalogInfoPath: '${{ steps.publish.output.catalogInfoPath }}',
            entityRef: '${{ steps.render.output.entityRef }}',
          },
        },
      ],
    }),
  },
];
