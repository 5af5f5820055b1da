import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { PROVISION_OUTPUT as provision } from '../__testUtils__/provisionOutput';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';

describe('pulumi:azureOidc:writeCatalogInfo', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  const run = async (input: object) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      task: { id: 'task-0042' },
    });
    await createPulumiAzureOidcWriteCatalogInfoAction().handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };

  it('writes the entity and, beside it, the environment YAML', async () => {
    const outputs = await run({
      provision,
      owner: 'payments-team',
      system: 'payments',
      description: 'Production',
    });
    const name = escEnvironmentEntityName({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    });
    expect(name).toMatch(/^payments-prod-[0-9a-f]{16}$/);
    expect(outputs).toEqual({
      entityRef: `resource:default/${name}`,
      entityName: name,
      catalogInfoPath: 'esc-environment/catalog-info.yaml',
      environmentYamlPath: 'esc-environment/environment.yaml',
    });
    const entity = parse(
      readFileSync(
        workspace.resolve('esc-environment/catalog-info.yaml'),
        'utf8',
      ),
    );
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name,
        description: 'Production',
        annotations: {
          'esc-azure-oidc.dev/client-id': 'client',
          'esc-azure-oidc.dev/stack-name': 'acme.payments.prod-0123456789ab',
          'esc-azure-oidc.dev/environment-yaml': './environment.yaml',
          // The task that changed it last, and when.
          'esc-azure-oidc.dev/task-id': 'task-0042',
          'esc-azure-oidc.dev/updated-at':
            expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
        links: [
          {
            title: 'ESC environment acme/payments/prod',
            url: provision.pulumiCloudUrl,
          },
          {
            title: 'Entra application Pulumi ESC acme/payments/prod',
            url: provision.azurePortalUrl,
          },
        ],
      },
      spec: {
        type: 'pulumi-esc-environment',
        owner: 'group:default/payments-team',
        system: 'system:default/payments',
        environmentYaml: provision.environmentYaml,
        trust: {
          issuer: provision.issuer,
          audience: provision.audience,
          subjects: provision.subjects,
        },
        azureAccess: provision.roleAssignments,
        // Provision's answers and this step's, for Update to start from.
        request: {
          ...provision.request,
          owner: 'group:default/payments-team',
          system: 'system:default/payments',
          description: 'Production',
        },
      },
    });
    expect(
      readFileSync(
        workspace.resolve('esc-environment/environment.yaml'),
        'utf8',
      ),
    ).toBe(provision.environmentYaml);
  });

  it('leaves out the Azure link of a dry run, and writes where it is told', async () => {
    const { azurePortalUrl, ...dryRun } = provision;
    await run({
      provision: dryRun,
      owner: 'group:default/payments-team',
      targetPath: 'out',
    });
    const entity = parse(
      readFileSync(workspace.resolve('out/catalog-info.yaml'), 'utf8'),
    );
    expect(entity.metadata.links).toHaveLength(1);
    expect(entity.spec).not.toHaveProperty('system');
  });

  it.each([
    [
      { owner: 'group:' },
      "owner must be a catalog entity reference such as 'group:default/name', got 'group:'",
    ],
    [
      { provision: { ...provision, environmentRef: 'payments/prod' } },
      "provision.environmentRef must be 'organization/project/environment', got 'payments/prod'",
    ],
    [
      { targetPath: '../outside' },
      'Relative path is not allowed to refer to a directory outside its parent',
    ],
  ])('refuses %j', async (overrides, message) => {
    await expect(
      run({ provision, owner: 'payments-team', ...overrides }),
    ).rejects.toThrow(message);
  });
});
