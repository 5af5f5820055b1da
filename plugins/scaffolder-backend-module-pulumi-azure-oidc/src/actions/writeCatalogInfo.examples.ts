import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Writes the entity of the environment provisioned by an earlier step.',
    example: stringify({
      steps: [
        {
          id: 'render',
          action: 'pulumi:azureOidc:writeCatalogInfo',
          name: 'Render the catalog entity and environment YAML',
          input: {
            provision: '${{ steps.provision.output }}',
            owner: '${{ parameters.owner }}',
            system: '${{ parameters.system }}',
            description: '${{ parameters.description }}',
            targetPath: 'esc-environment',
          },
        },
      ],
    }),
  },
];
