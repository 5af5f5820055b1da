/**
 * A thousand generated inputs to the step that writes the catalog entity:
 * owners, systems and descriptions with YAML specials, template and ESC
 * expressions, look-alikes, control characters, over-long values and case
 * tricks, and target paths that try to leave the workspace. Each is either
 * refused with an input error having written nothing, or written inside
 * the workspace as an entity the catalog accepts that reads back as exactly
 * what was asked.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  Entity,
  makeValidator,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { toEntityRef } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { PROVISION_OUTPUT as provision } from '../__testUtils__/provisionOutput';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';

const hostileText = fc.constantFrom(
  '',
  ' ',
  'payments',
  'Payments-Team',
  'group:default/payments-team',
  'group:other/payments-team',
  'user:default/ada',
  'system:default/payments',
  'system:payments',
  'a b',
  'a:b:c',
  'group:default/',
  ':',
  '/',
  '../../etc/passwd',
  '${{ parameters.owner }}',
  '${env.SECRET}',
  'paymen\u212at', // KELVIN SIGN
  'team\u0000',
  'line\nbreak',
  '- item',
  'key: value',
  '#comment',
  '&anchor *alias',
  '"quoted"',
  'x'.repeat(300),
);
const text = fc.oneof(
  { arbitrary: hostileText, weight: 3 },
  { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
);
const input = fc.record(
  {
    owner: text,
    system: text,
    description: text,
    targetPath: fc.oneof(
      fc.constantFrom(
        'esc-environment',
        'a/b',
        '.',
        '..',
        '../outside',
        '/etc',
        'a/../../outside',
        'esc-environment\u0000',
        'esc\nenvironment',
        '',
      ),
      fc.string({ maxLength: 20 }),
    ),
  },
  { requiredKeys: ['owner'] },
);

/** The catalog's own checks of an entity's references and fields. */
const validator = makeValidator();
async function catalogProblems(entity: Entity): Promise<unknown[]> {
  const problems: unknown[] = ['owner', 'system']
    .map(field => entity.spec?.[field] as string | undefined)
    .filter((ref): ref is string => ref !== undefined)
    .filter(ref => {
      const { kind, namespace, name } = parseEntityRef(ref);
      return !(
        validator.isValidKind(kind) &&
        validator.isValidNamespace(namespace) &&
        validator.isValidEntityName(name)
      );
    })
    .map(ref => ({ invalidRef: ref }));
  try {
    if (!(await resourceEntityV1alpha1Validator.check(entity))) {
      problems.push('not a Resource');
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

jest.setTimeout(600_000);

describe('pulumi:azureOidc:writeCatalogInfo, given hostile inputs', () => {
  const workspace = createMockDirectory();
  const action = createPulumiAzureOidcWriteCatalogInfoAction();

  /** What an accepted input broke: the workspace, the catalog's rules, or what was asked. */
  async function acceptanceProblems(
    asked: { owner: string; system?: string; description?: string },
    outputs: Record<string, string>,
  ): Promise<unknown[]> {
    const path = join(workspace.path, outputs.catalogInfoPath);
    const entity: Entity = parse(readFileSync(path, 'utf8'));
    return [
      relative(workspace.path, path).startsWith('..') && { outside: path },
      !existsSync(join(workspace.path, outputs.environmentYamlPath)) &&
        'no environment.yaml',
      ...(await catalogProblems(entity)),
      entity.spec?.owner !== toEntityRef(asked.owner, 'group') && {
        owner: entity.spec?.owner,
      },
      entity.spec?.system !==
        (asked.system ? toEntityRef(asked.system, 'system') : undefined) && {
        system: entity.spec?.system,
      },
      // Exactly what was asked; without a description, the default.
      entity.metadata.description !==
        (asked.description ||
          `Pulumi ESC environment ${provision.environmentRef}, logging into Azure through OIDC.`) && {
        description: entity.metadata.description,
      },
    ];
  }

  it('writes inside the workspace an entity the catalog accepts, with exactly what was asked, or writes nothing', async () => {
    let written = 0;
    await assertProperty(
      'hostile writeCatalogInfo inputs',
      fc.asyncProperty(input, async asked => {
        workspace.clear();
        const ctx = createMockActionContext({
          input: { provision, ...asked } as any,
          workspacePath: workspace.path,
          task: { id: 'task-1' },
        });
        const refusal = await action.handler(ctx).then(
          () => undefined,
          (error: Error) => error,
        );
        if (!refusal) written += 1;
        const problems = refusal
          ? [
              refusal.name !== 'InputError' &&
                `refused with ${refusal.name}: ${refusal.message}`,
              readdirSync(workspace.path).length > 0 && 'wrote before refusing',
            ]
          : await acceptanceProblems(
              asked,
              Object.fromEntries((ctx.output as jest.Mock).mock.calls),
            );
        expect(problems.filter(Boolean)).toEqual([]);
      }),
    );
    expect(written).toBeGreaterThan(50);
  });
});
