import {
  BUILT_IN_ROLES,
  ProvisioningOptions,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  organizationProblem,
  portalOptionRule,
  portalOptionRules,
  roleAssignmentProblems,
  subscriptionProblem,
  textRules,
} from './rules';

const SUB = '11111111-2222-3333-4444-555555555555';
const options: ProvisioningOptions = {
  organization: 'acme',
  guardrails: {
    allowedOrganizations: ['acme'],
    allowIacSubject: false,
    allowedSubscriptions: [{ id: SUB, name: 'Payments' }],
    allowedPrivilegedRoles: [],
    allowedScopePrefixes: [`/subscriptions/${SUB}/resourceGroups/rg-apps`],
  },
  roles: [...BUILT_IN_ROLES],
  escEnvironmentsEnabled: false,
};

describe('the form rules', () => {
  it('say what the action says about names', () => {
    expect(textRules.escName('prod env')).toBe(
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    );
    expect(textRules.escName('prod')).toBeUndefined();
    expect(textRules.environmentReference('web')).toBe(
      "must be written 'project/environment'",
    );
    expect(textRules.keyVaultName('kv')).toBe(
      'must be 3 to 24 characters long',
    );
    expect(textRules.keyVaultSecretName('db_password')).toBe(
      'must be 1 to 127 letters, digits and hyphens',
    );
  });

  it('check organizations against the guardrails', () => {
    expect(organizationProblem('acme', options)).toBeUndefined();
    expect(organizationProblem('evil-org', options)).toBe(
      'must be one of the Pulumi organizations this portal allows: acme',
    );
    expect(organizationProblem('acme corp', options)).toMatch(
      /^must start with a letter or digit/,
    );
  });

  it('check subscriptions against the guardrails', () => {
    expect(subscriptionProblem(SUB, options)).toBeUndefined();
    expect(subscriptionProblem('payments', options)).toBe(
      'must be a subscription id (a GUID)',
    );
    expect(
      subscriptionProblem('99999999-2222-3333-4444-555555555555', options),
    ).toBe(
      `must be one of the subscriptions this portal allows: ${SUB} (Payments)`,
    );
  });

  it('check each role assignment, named by its position', () => {
    expect(
      roleAssignmentProblems(
        [
          { role: 'Reader', scope: 'rg-apps' },
          { role: 'Owner', scope: 'subscription' },
          { role: 'Wizard', scope: 'rg.' },
          { scope: 'rg-apps' },
        ],
        SUB,
        options,
      ),
    ).toEqual([
      "2. role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
      `2. scope must lie within one of the scopes this portal allows: /subscriptions/${SUB}/resourceGroups/rg-apps`,
      "3. role names 'Wizard', which is not a role this portal knows; it allows Reader, Contributor, Key Vault Secrets User",
      "3. scope must be 'subscription', a resource group name or a resource id; as a resource group name it must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'",
      '4. role must be chosen',
    ]);
  });

  it('leave scopes to the subscription field while the subscription is not valid', () => {
    expect(
      roleAssignmentProblems(
        [{ role: 'Reader', scope: 'rg.' }],
        undefined,
        options,
      ),
    ).toEqual([]);
    expect(
      roleAssignmentProblems(
        [{ role: 'Reader', scope: 'rg.' }],
        'payments',
        options,
      ),
    ).toEqual([]);
  });

  it('say why the platform does not offer a choice', () => {
    expect(portalOptionRules.includeIacSubject(options, {})).toBe(
      'cannot be used: every IaC stack of the organization presents the <yaml> subject, so this portal does not trust it (pulumiAzureOidc.guardrails.allowIacSubject)',
    );
    const trusting = {
      ...options,
      guardrails: { ...options.guardrails, allowIacSubject: true },
    };
    expect(
      portalOptionRules.includeIacSubject(trusting, {
        subjectMode: 'environment',
      }),
    ).toBeUndefined();
    expect(
      portalOptionRules.includeIacSubject(trusting, {
        subjectMode: 'subjectAttributes',
      }),
    ).toMatch(/^only applies when subjectMode is 'environment'/);
    expect(portalOptionRules.createEscEnvironment(options, {})).toBe(
      'cannot be used: this portal has no Pulumi Cloud access token (pulumiAzureOidc.pulumiCloud.accessToken); create the environment from the returned YAML instead',
    );
    expect(
      portalOptionRules.createEscEnvironment(
        { ...options, escEnvironmentsEnabled: true },
        {},
      ),
    ).toBeUndefined();
  });

  it('know the options a template may name, and only those', () => {
    expect(portalOptionRule('includeIacSubject')).toBe(
      portalOptionRules.includeIacSubject,
    );
    expect(portalOptionRule('toString')).toBeUndefined();
    expect(portalOptionRule(undefined)).toBeUndefined();
  });
});
