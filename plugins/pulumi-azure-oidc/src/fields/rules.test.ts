import {
  BUILT_IN_ROLES,
  FIELD_RULES,
  planProvisioning,
  ProvisioningOptions,
  ProvisionRequest,
  RequestField,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import {
  fieldProblems,
  inFormWords,
  portalOption,
  unavailableReason,
  withAnswer,
} from './rules';

const SUB = '11111111-2222-3333-4444-555555555555';
const OTHER_SUB = '99999999-2222-3333-4444-555555555555';
const options: ProvisioningOptions = {
  organization: 'acme',
  guardrails: {
    allowedOrganizations: ['acme'],
    allowIacSubject: false,
    allowedSubscriptions: [{ id: SUB, name: 'Payments' }],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowedPrivilegedRoles: [],
    allowSubscriptionScope: true,
    allowedScopePrefixes: [`/subscriptions/${SUB}/resourceGroups/rg-apps`],
  },
  roles: [...BUILT_IN_ROLES],
  escEnvironmentsEnabled: false,
  catalogDestination: { type: 'local' },
};

describe('the form rules', () => {
  it('say what the action says about names', () => {
    expect(fieldProblems('project', { project: 'prod env' }, options)).toEqual([
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ]);
    expect(
      fieldProblems(
        'rootEnvironments',
        {
          project: 'p',
          environment: 'e',
          subjectAttributes: ['rootEnvironment.name'],
          rootEnvironments: ['web', 'p/e'],
        },
        options,
      ),
    ).toEqual([
      "1. must be written 'project/environment'",
      '2. names the environment itself, which is always trusted',
    ]);
    expect(
      fieldProblems(
        'keyVault.name',
        withAnswer({}, 'keyVault.name', 'kv'),
        options,
      ),
    ).toEqual(['must be 3 to 24 characters long']);
    expect(
      fieldProblems(
        'keyVault.secrets',
        withAnswer({ keyVault: { name: 'kv-payments' } }, 'keyVault.secrets', [
          'db_password',
        ]),
        options,
      ),
    ).toEqual(['1. must be 1 to 127 letters, digits and hyphens']);
  });

  it('check organizations and subscriptions against the guardrails', () => {
    expect(
      fieldProblems('organization', { organization: 'acme' }, options),
    ).toEqual([]);
    expect(
      fieldProblems('organization', { organization: 'evil-org' }, options),
    ).toEqual([
      'must be one of the Pulumi organizations this portal allows: acme',
    ]);
    expect(
      fieldProblems('subscriptionId', { subscriptionId: 'payments' }, options),
    ).toEqual(['must be a subscription id (a GUID)']);
    expect(
      fieldProblems('subscriptionId', { subscriptionId: OTHER_SUB }, options),
    ).toEqual([
      `must be one of the subscriptions this portal allows: ${SUB} (Payments)`,
    ]);
  });

  it('check each role assignment, named by its position, repeats included', () => {
    expect(
      fieldProblems(
        'roleAssignments',
        {
          subscriptionId: SUB,
          roleAssignments: [
            { role: 'Reader', scope: 'rg-apps' },
            { role: 'Owner', scope: 'subscription' },
            { role: 'Wizard', scope: 'rg.' },
            { role: '', scope: 'rg-apps' },
            { role: 'reader', scope: 'RG-APPS' },
          ],
        },
        options,
      ),
    ).toEqual([
      "2. role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
      `2. scope must lie within one of the scopes this portal allows: /subscriptions/${SUB}/resourceGroups/rg-apps`,
      "3. role names 'Wizard', which is not a role this portal knows; it allows Reader, Contributor, Key Vault Secrets User",
      "3. scope must be 'subscription', a resource group name or a resource id; as a resource group name it must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'",
      '4. role must name a role',
      '5. repeats roleAssignments[0]: the same role at the same scope',
    ]);
  });

  it('leave scopes to the subscription field while the subscription is not valid', () => {
    expect(
      fieldProblems(
        'roleAssignments',
        {
          subscriptionId: 'payments',
          roleAssignments: [{ role: 'Reader', scope: 'rg.' }],
        },
        options,
      ),
    ).toEqual([]);
  });

  it('say why the platform does not offer a choice, with the default subject mode', () => {
    // New environments get subjectAttributes, where the IaC subject never applies.
    expect(unavailableReason('includeIacSubject', {}, options)).toBe(
      'cannot be used: every IaC stack of the organization presents the <yaml> subject, so this portal does not trust it (pulumiAzureOidc.guardrails.allowIacSubject)',
    );
    const trusting = {
      ...options,
      guardrails: { ...options.guardrails, allowIacSubject: true },
    };
    expect(
      unavailableReason(
        'includeIacSubject',
        { subjectMode: 'environment' },
        trusting,
      ),
    ).toBeUndefined();
    expect(unavailableReason('includeIacSubject', {}, trusting)).toMatch(
      /^only applies when subjectMode is 'environment'/,
    );
    expect(unavailableReason('createEscEnvironment', {}, options)).toBe(
      'cannot be used: this portal has no Pulumi Cloud access token (pulumiAzureOidc.pulumiCloud.accessToken); create the environment from the returned YAML instead',
    );
    expect(
      unavailableReason(
        'createEscEnvironment',
        {},
        { ...options, escEnvironmentsEnabled: true },
      ),
    ).toBeUndefined();
  });

  it('know the options a template may name, and only those', () => {
    expect(portalOption('includeIacSubject')).toBe('includeIacSubject');
    expect(portalOption('toString')).toBeUndefined();
    expect(portalOption(undefined)).toBeUndefined();
  });
});

describe('every field rule, from both sides', () => {
  const requester = {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['group:default/payments-team'],
    administrator: false,
  };
  const pick = <T>(...values: T[]) => fc.constantFrom(...values);
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.option(arbitrary, { nil: undefined });
  /** Requests mixing valid and broken answers in every field. */
  const requests: fc.Arbitrary<ProvisionRequest> = fc.record({
    organization: maybe(pick('acme', 'evil-org', 'acme corp', '')),
    project: pick('payments', 'default', 'prod env', '', 'x'.repeat(101)),
    environment: pick('prod', 'prod.eu', '.hidden', 'e'.repeat(150)),
    subscriptionId: maybe(pick(SUB, OTHER_SUB, 'payments', SUB.toUpperCase())),
    roleAssignments: maybe(
      fc.array(
        fc.record({
          role: pick(
            'Reader',
            'reader',
            'Owner',
            'Wizard',
            '',
            BUILT_IN_ROLES[0].id,
          ),
          scope: maybe(
            pick(
              'subscription',
              'rg-apps',
              'RG-APPS',
              'rg.',
              `/subscriptions/${OTHER_SUB}`,
            ),
          ),
        }),
        { maxLength: 4 },
      ),
    ),
    subjectMode: maybe(
      pick('subjectAttributes' as const, 'environment' as const),
    ),
    subjectAttributes: maybe(
      fc.array(
        pick(
          'currentEnvironment.name' as const,
          'rootEnvironment.name' as const,
        ),
        {
          maxLength: 3,
        },
      ),
    ),
    rootEnvironments: maybe(
      fc.array(pick('web/prod', 'payments/prod', 'web', 'a/b/c'), {
        maxLength: 3,
      }),
    ),
    includeIacSubject: maybe(fc.boolean()),
    createEscEnvironment: maybe(fc.boolean()),
    keyVault: maybe(
      fc.record({
        name: pick('kv-payments', 'kv', 'kv_payments'),
        secrets: maybe(
          fc.array(pick('db-password', 'db_password', ''), { maxLength: 3 }),
        ),
      }),
    ),
  });
  const allowances = fc.record({
    allowIacSubject: fc.boolean(),
    escEnvironmentsEnabled: fc.boolean(),
  });

  it('find in the form exactly what the action refuses, in the same words', async () => {
    await assertProperty(
      'form and action agree on every field',
      fc.property(requests, allowances, (request, allowed) => {
        const portal: ProvisioningOptions = {
          ...options,
          escEnvironmentsEnabled: allowed.escEnvironmentsEnabled,
          guardrails: {
            ...options.guardrails,
            allowIacSubject: allowed.allowIacSubject,
          },
        };
        const planned =
          planProvisioning(request, {
            defaultOrganization: portal.organization,
            guardrails: portal.guardrails,
            roles: new RoleCatalogue(portal.roles),
            escEnvironmentsEnabled: portal.escEnvironmentsEnabled,
            issuer: 'https://api.pulumi.com/oidc',
            requester,
          }).problems ?? [];
        for (const field of Object.keys(FIELD_RULES) as RequestField[]) {
          const byAction = planned
            .filter(
              p =>
                p.field === field ||
                p.field.startsWith(`${field}[`) ||
                p.field.startsWith(`${field}.`),
            )
            .map(p => inFormWords(field, p));
          expect(fieldProblems(field, request, portal)).toEqual(byAction);
        }
      }),
    );
  });
});
