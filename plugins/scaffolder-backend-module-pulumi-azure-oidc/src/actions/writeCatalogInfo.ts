import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CATALOG_INFO_FILE,
  ENVIRONMENT_YAML_FILE,
  escEnvironmentEntity,
  SUBJECT_ATTRIBUTES,
  toEntityRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document } from 'yaml';
import { workspaceDirectory } from '../catalogDestinations/entityFiles';
import { linkList } from '../provisioning/links';
import { withTaskLogErrors } from './taskLogErrors';
import { examples } from './writeCatalogInfo.examples';

export const WRITE_CATALOG_INFO_ACTION_ID = 'pulumi:azureOidc:writeCatalogInfo';

/**
 * `pulumi:azureOidc:writeCatalogInfo`: the catalog entity of a provisioned
 * ESC environment, and its YAML beside it, written into the workspace.
 */
export function createPulumiAzureOidcWriteCatalogInfoAction() {
  return createTemplateAction({
    id: WRITE_CATALOG_INFO_ACTION_ID,
    description:
      'Writes catalog-info.yaml (a Resource of type pulumi-esc-environment) and environment.yaml for an environment provisioned by pulumi:azureOidc:provision.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        provision: z =>
          z
            .object({
              environmentRef: z.string(),
              clientId: z.string(),
              tenantId: z.string(),
              subscriptionId: z.string(),
              stackName: z.string(),
              subjectMode: z.enum(['subjectAttributes', 'environment']),
              subjectAttributes: z.array(z.enum(SUBJECT_ATTRIBUTES)),
              environmentYaml: z.string(),
              pulumiCloudUrl: z.string(),
              azurePortalUrl: z.string().optional(),
              issuer: z.string(),
              audience: z.string(),
              subjects: z.array(z.string()),
              roleAssignments: z.array(
                z.object({
                  role: z.string(),
                  roleDefinitionId: z.string(),
                  scope: z.string(),
                }),
              ),
              request: z.record(z.any()),
            })
            .passthrough()
            .describe('The outputs of pulumi:azureOidc:provision'),
        owner: z =>
          z
            .string()
            .describe('Entity reference of the owner (a bare name is a group)'),
        system: z =>
          z
            .string()
            .optional()
            .describe(
              'Entity reference of the system (a bare name is a system)',
            ),
        description: z =>
          z.string().optional().describe('What the environment is for'),
        targetPath: z =>
          z
            .string()
            .default('esc-environment')
            .describe('Workspace directory to write the two files into'),
      },
      output: {
        entityRef: z => z.string(),
        entityName: z => z.string(),
        catalogInfoPath: z =>
          z.string().describe('Workspace path of catalog-info.yaml'),
        environmentYamlPath: z =>
          z.string().describe('Workspace path of environment.yaml'),
      },
    },

    async handler(ctx) {
      await withTaskLogErrors(async () => {
        const { provision } = ctx.input;
        const [organization, project, environment, ...rest] =
          provision.environmentRef.split('/');
        if (!environment || rest.length > 0) {
          throw new InputError(
            `provision.environmentRef must be 'organization/project/environment', got '${provision.environmentRef}'`,
          );
        }
        const owner = entityRef('owner', ctx.input.owner, 'group');
        const system = ctx.input.system
          ? entityRef('system', ctx.input.system, 'system')
          : undefined;
        const { description } = ctx.input;
        const entity = escEnvironmentEntity({
          environment: { organization, project, environment },
          description,
          owner,
          system,
          clientId: provision.clientId,
          tenantId: provision.tenantId,
          subscriptionId: provision.subscriptionId,
          stackName: provision.stackName,
          subjectMode: provision.subjectMode,
          subjectAttributes: provision.subjectAttributes,
          environmentYaml: provision.environmentYaml,
          links: linkList(provision),
          trust: {
            issuer: provision.issuer,
            audience: provision.audience,
            subjects: provision.subjects,
          },
          azureAccess: provision.roleAssignments,
          // The answers, for Update: those of provision, then this step's own.
          request: {
            ...provision.request,
            owner,
            ...(system ? { system } : {}),
            ...(description ? { description } : {}),
          },
          task: { id: ctx.task.id, at: new Date().toISOString() },
        });

        const targetPath = ctx.input.targetPath ?? 'esc-environment';
        const directory = workspaceDirectory(
          'targetPath',
          ctx.workspacePath,
          targetPath,
        );
        await mkdir(directory, { recursive: true });
        await writeFile(
          join(directory, CATALOG_INFO_FILE),
          new Document(entity).toString(),
        );
        await writeFile(
          join(directory, ENVIRONMENT_YAML_FILE),
          provision.environmentYaml,
        );

        const ref = stringifyEntityRef(entity);
        ctx.logger.info(`Wrote ${ref} to ${targetPath}/${CATALOG_INFO_FILE}`);
        ctx.output('entityRef', ref);
        ctx.output('entityName', entity.metadata.name);
        ctx.output('catalogInfoPath', `${targetPath}/${CATALOG_INFO_FILE}`);
        ctx.output(
          'environmentYamlPath',
          `${targetPath}/${ENVIRONMENT_YAML_FILE}`,
        );
      });
    },
  });
}

function entityRef(field: string, value: string, defaultKind: string): string {
  const ref = toEntityRef(value, defaultKind);
  if (!ref) {
    throw new InputError(
      `${field} must be a catalog entity reference such as '${defaultKind}:default/name', got '${value}'`,
    );
  }
  return ref;
}
