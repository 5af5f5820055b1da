/**
 * A thousand generated hostile requests through the provision action and
 * the entity it renders: names with YAML specials, template and ESC
 * expressions, Unicode look-alikes, control characters, path traversal,
 * over-long values and case tricks; scopes outside the allowed prefixes or
 * in another subscription; privileged roles by name and GUID; duplicate
 * assignments; more credentials than Entra allows. Each request is either
 * refused with an input error before the engine is called, or accepted and
 * rendered into YAML and an entity that parse back to exactly what was
 * asked, within what the platform allows.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  environmentDefinition,
  ProvisionPlan,
  renderEnvironmentYaml,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { emptyStackState } from '../engine/stackModel';
import { SUBSCRIPTION, TENANT } from '../__testUtils__/plans';
import {
  engineMock,
  outcomeOf,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';
import { testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './writeCatalogInfo';

const OTHER_SUBSCRIPTION = '99999999-aaaa-bbbb-cccc-dddddddddddd';
const PREFIXES = [
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-apps`,
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-k`,
];
const PRIVILEGED = [
  'Owner',
  'owner',
  'User Access Administrator',
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  '8E3AF657-A8FF-443C-A75C-2FE8C4BCB635',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
];

/** What people, and people who mean harm, type into a name field. */
const hostileText = fc.constantFrom(
  'prod',
  'Prod',
  'PROD',
  'default',
  'DEFAULT',
  'a'.repeat(101),
  'x'.repeat(300),
  '${{ parameters.owner }}',
  '${{ secrets.token }}',
  '${azure.login}',
  '${secrets.token}',
  'prod: true',
  "'quoted'",
  '"double"',
  '#comment',
  '- item',
  '? key',
  '| block',
  '> folded',
  '&anchor',
  '*alias',
  '!!python/object',
  '%TAG',
  '@at',
  '`tick`',
  'rg-\u212a', // KELVIN SIGN for k
  'rg-\u212b', // ANGSTROM SIGN
  '\u0430pp', // Cyrillic a
  '\u0130stanbul',
  '\u017fecrets', // LATIN SMALL LETTER LONG S
  'a\u0000b',
  'a\nb',
  'a\tb',
  'a\u001bb',
  'a\u202eb', // RIGHT-TO-LEFT OVERRIDE
  '../etc',
  '..',
  '.',
  'a/b',
  'a\\b',
  '%2e%2e',
  'rg%2f..',
  ' lead',
  'trail ',
  '',
);
const hostileName = fc.oneof(
  hostileText,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
/** Mostly names that may pass, sometimes anything: so that both outcomes are common. */
const mostly = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: plausible, weight: 12 },
    { arbitrary: hostileName as fc.Arbitrary<T | string>, weight: 1 },
  );
const name = mostly(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,24}$/));

const scope = fc.oneof(
  { arbitrary: fc.constantFrom('rg-apps', 'rg-k', 'RG-Apps'), weight: 10 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: hostileName, weight: 1 },
  fc.constantFrom(
    'subscription',
    'rg-apps',
    'RG-APPS',
    'rg-k',
    'rg-\u212a',
    'rg-k2',
    'rg-apps/',
    `/subscriptions/${SUBSCRIPTION}`,
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-apps/providers/Microsoft.KeyVault/vaults/kv-1`,
    `/subscriptions/${SUBSCRIPTION.toUpperCase()}/resourcegroups/RG-APPS`,
    `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/rg-apps`,
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-apps/../rg-other`,
    '/providers/Microsoft.Management/managementGroups/mg',
    '/',
  ),
);
const role = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'Reader',
      'reader',
      'CONTRIBUTOR',
      'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      'Key Vault Secrets User',
    ),
    weight: 10,
  },
  { arbitrary: fc.constantFrom(...PRIVILEGED), weight: 1 },
  { arbitrary: hostileName, weight: 1 },
);

const optional = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.option(arbitrary, { nil: undefined });
/** Unset, mostly: choices that combine with others only in some ways. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary, weight: 1 },
  );

const request = fc.record(
  {
    organization: optional(mostly(fc.constant('acme'))),
    project: mostly(fc.constantFrom('payments', 'default', 'Payments')),
    environment: name,
    subscriptionId: rarely(
      mostly(
        fc.constantFrom(
          SUBSCRIPTION,
          SUBSCRIPTION.toUpperCase(),
          OTHER_SUBSCRIPTION,
          `/subscriptions/${SUBSCRIPTION}`,
        ),
      ),
    ),
    roleAssignments: fc.array(fc.record({ role, scope }), { maxLength: 3 }),
    subjectMode: rarely(
      mostly(fc.constantFrom('subjectAttributes', 'environment')),
    ),
    subjectAttributes: rarely(
      fc.array(
        fc.constantFrom(
          'currentEnvironment.name',
          'rootEnvironment.name',
          'currentEnvironment.Name',
        ),
        { maxLength: 3 },
      ),
    ),
    rootEnvironments: rarely(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 40 }).map(i => `apps/importer-${i}`),
          name,
        ),
        { maxLength: 25 },
      ),
    ),
    includeIacSubject: rarely(fc.boolean()),
    keyVault: rarely(
      fc.record({
        name: mostly(fc.constantFrom('kv-payments', 'KV-Payments-01')),
        secrets: fc.array(mostly(fc.stringMatching(/^[a-zA-Z0-9-]{1,20}$/)), {
          maxLength: 4,
        }),
      }),
    ),
    owner: rarely(
      mostly(
        fc.constantFrom(
          'group:default/payments-team',
          'payments-team',
          'Group:Default/Payments-Team',
          'user:default/ada',
          'group:default/billing-team',
          '${{ user.entity.metadata.name }}',
        ),
      ),
    ),
  },
  { requiredKeys: ['project', 'environment', 'roleAssignments'] },
);

/** ARM's comparison of names: ASCII letters fold, nothing else does. */
const armFold = (value: string) =>
  value.replace(/[A-Z]/g, letter => letter.toLowerCase());
const withinAllowedPrefix = (id: string) =>
  PREFIXES.some(prefix => {
    const [folded, allowed] = [armFold(id), armFold(prefix)];
    return folded === allowed || folded.startsWith(`${allowed}/`);
  });

jest.setTimeout(600_000);

describe('pulumi:azureOidc:provision, given hostile requests', () => {
  const dir = createMockDirectory();
  const workspace = createMockDirectory();
  const settings = testSettings(dir.path, {
    pulumiCloud: { organization: 'acme' },
    azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
    guardrails: {
      allowedSubscriptions: [{ id: SUBSCRIPTION }],
      allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
      allowedScopePrefixes: PREFIXES,
    },
  });
  const engine = engineMock();
  const stewardship = testStewardship();
  // What the program renders, from what the engine was given.
  engine.apply.mockImplementation(async (plan, { authorize }) => {
    authorize(emptyStackState());
    const outcome = outcomeOf(plan);
    outcome.outputs.environmentYaml = renderEnvironmentYaml(
      environmentDefinition(plan, {
        clientId: outcome.outputs.clientId,
        tenantId: TENANT,
      }),
    );
    return outcome;
  });
  const provision = provisionAction(settings, { engine, stewardship });
  const writeCatalogInfo = createPulumiAzureOidcWriteCatalogInfoAction();

  /** What a refused request broke: refused otherwise than by its input, or after the engine. */
  const refusalProblems = (error: Error) =>
    [
      error.name !== 'InputError' &&
        `refused with ${error.name}: ${error.message}`,
      engine.outputs.mock.calls.length > 0 && 'the stack was read',
      engine.apply.mock.calls.length > 0 && 'the engine changed something',
    ].filter(Boolean);

  /** What an accepted request broke: the guardrails, or what was asked. */
  async function acceptanceProblems(
    asked: Record<string, any>,
    ctx: ReturnType<typeof createMockActionContext>,
  ): Promise<unknown[]> {
    const problems: unknown[] = [];
    const check = (holds: boolean, problem: unknown) => {
      if (!holds) problems.push(problem);
    };
    check(
      engine.apply.mock.calls.length === 1,
      'the engine ran other than once',
    );
    const plan: ProvisionPlan = engine.apply.mock.calls[0][0];

    // The environment is the one asked for, character for character.
    const environment = {
      organization: asked.organization || 'acme',
      project: asked.project,
      environment: asked.environment,
    };
    check(isDeepStrictEqual(plan.environment, environment), {
      environment: plan.environment,
    });
    check(plan.subscriptionId.toLowerCase() === SUBSCRIPTION, {
      subscriptionId: plan.subscriptionId,
    });
    // Within the guardrails: allowed prefixes, no privileged role, no role
    // twice at one scope, no more credentials than Entra allows.
    const pairs = new Set<string>();
    for (const assignment of plan.roleAssignments) {
      const pair = `${assignment.role.id} ${armFold(assignment.scope.id)}`;
      check(withinAllowedPrefix(assignment.scope.id), {
        outside: assignment.scope.id,
      });
      check(!assignment.role.privileged, { privileged: assignment.role.name });
      check(!pairs.has(pair), { twice: pair });
      pairs.add(pair);
    }
    check(plan.credentials.length <= 20, {
      credentials: plan.credentials.length,
    });

    // The YAML and the entity read back as exactly what was asked.
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    const azure = parse(outputs.environmentYaml).values.azure;
    check(
      azure.login['fn::open::azure-login'].subscriptionId ===
        plan.subscriptionId,
      'the login names another subscription',
    );
    const secrets = azure.secrets?.['fn::open::azure-secrets'];
    check(secrets?.vault === asked.keyVault?.name, { vault: secrets?.vault });
    // A mapping: its order is not the request's (YAML keeps JavaScript's).
    const wanted = Object.fromEntries(
      (asked.keyVault?.secrets ?? []).map((secret: string) => [
        secret,
        { name: secret },
      ]),
    );
    check(isDeepStrictEqual({ ...secrets?.get }, wanted), {
      get: secrets?.get,
    });

    workspace.clear();
    const rendered = createMockActionContext({
      input: { provision: outputs, owner: plan.owner } as any,
      workspacePath: workspace.path,
      task: { id: 'task-1' },
    });
    await writeCatalogInfo.handler(rendered);
    const entity = parse(
      readFileSync(
        workspace.resolve('esc-environment/catalog-info.yaml'),
        'utf8',
      ),
    );
    const annotations = entity.metadata.annotations;
    check(
      annotations['esc-azure-oidc.dev/organization'] ===
        environment.organization &&
        annotations['esc-azure-oidc.dev/project'] === asked.project &&
        annotations['esc-azure-oidc.dev/environment'] === asked.environment,
      { annotations },
    );
    check(entity.spec.owner === plan.owner, { owner: entity.spec.owner });
    check(
      entity.spec.environmentYaml === outputs.environmentYaml,
      'the entity holds other YAML',
    );
    return problems;
  }

  it('refuses each before the engine, or renders exactly what was asked within the guardrails', async () => {
    let accepted = 0;
    await assertProperty(
      'hostile provision requests',
      fc.asyncProperty(request, async asked => {
        engine.apply.mockClear();
        engine.outputs.mockClear();
        const ctx = createMockActionContext({ input: asked as any });
        const refusal = await provision.handler(ctx).then(
          () => undefined,
          (error: Error) => error,
        );
        accepted += refusal ? 0 : 1;
        const broken = refusal
          ? refusalProblems(refusal)
          : await acceptanceProblems(asked, ctx);
        expect(broken).toEqual([]);
      }),
    );
    // The generator reaches both outcomes, so neither half is vacuous.
    expect(accepted).toBeGreaterThan(100);
    // eslint-disable-next-line no-console
    console.log(`hostile provision requests: ${accepted} accepted`);
  });
});
