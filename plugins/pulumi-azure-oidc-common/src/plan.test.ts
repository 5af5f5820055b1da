import {
  answeredRequest,
  PlanContext,
  planProvisioning,
  ProvisionRequest,
} from '.';
import { RoleCatalogue } from './roles';

const sub = '11111111-2222-3333-4444-555555555555';
const other = '99999999-2222-3333-4444-555555555555';

const context: PlanContext = {
  defaultOrganization: 'acme',
  defaultSubscriptionId: sub,
  issuer: 'https://api.pulumi.com/oidc',
  guardrails: {
    allowedOrganizations: ['acme', 'other-org'],
    allowedSubscriptions: [{ id: sub }],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowedPrivilegedRoles: [],
    allowSubscriptionScope: true,
    allowedScopePrefixes: [`/subscriptions/${sub}`],
    allowIacSubject: true,
  },
  roles: new RoleCatalogue(),
  escEnvironmentsEnabled: true,
  requester: {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/payments-team'],
    administrator: false,
  },
};

const request: ProvisionRequest = {
  project: 'payments',
  environment: 'prod',
  roleAssignments: [
    { role: 'Reader' },
    { role: 'Contributor', scope: 'rg-payments' },
  ],
  owner: 'payments-team',
};

describe('planProvisioning', () => {
  it('plans everything a valid request needs, with the portal defaults', () => {
    const { plan, problems } = planProvisioning(request, context);
    expect(problems).toBeUndefined();
    expect(plan).toMatchObject({
      environment: {
        organization: 'acme',
        project: 'payments',
        environment: 'prod',
      },
      environmentRef: 'acme/payments/prod',
      subscriptionId: sub,
      issuer: 'https://api.pulumi.com/oidc',
      audience: 'azure:acme',
      subjectMode: 'subjectAttributes',
      subjectModeSource: 'default',
      subjectAttributes: ['currentEnvironment.name'],
      retiringCredentials: [],
      createEscEnvironment: false,
      owner: 'group:default/payments-team',
      application: {
        displayName: 'Pulumi ESC acme/payments/prod',
        tags: [
          'pulumi-esc-oidc',
          'pulumi-esc-environment:acme/payments/prod',
          'backstage-owner:group:default/payments-team',
        ],
        owners: [],
      },
    });
    expect(plan!.application.notes).toContain(
      'Owner: group:default/payments-team.',
    );
    expect(plan!.application.notes).toContain(
      'Requested by: user:default/ada.',
    );
    expect(plan!.credentials).toEqual([
      expect.objectContaining({
        logicalName: 'credential-pulumi-esc-current-environment',
        subject:
          'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
      }),
    ]);
    expect(
      plan!.roleAssignments.map(r => [
        r.role.name,
        r.scope.id,
        r.roleDefinitionId,
      ]),
    ).toEqual([
      [
        'Reader',
        `/subscriptions/${sub}`,
        `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      ],
      [
        'Contributor',
        `/subscriptions/${sub}/resourceGroups/rg-payments`,
        `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
      ],
    ]);
  });

  it('gives each role assignment a name that depends only on its role and scope', () => {
    const names = (roleAssignments: ProvisionRequest['roleAssignments']) =>
      planProvisioning(
        { ...request, roleAssignments },
        context,
      ).plan!.roleAssignments.map(r => r.logicalName);
    // The names earlier versions gave: changing them would replace live assignments.
    const reader = 'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491';
    const contributor = 'role-b24988ac-6180-42a0-ab88-20f7382dd24c-a38fb4f8';
    expect(names(request.roleAssignments)).toEqual([reader, contributor]);
    expect(
      names([
        {
          role: 'contributor',
          scope: `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/RG-PAYMENTS`,
        },
        { role: 'ACDD72A7-3385-48EF-BD42-F606FBA81AE7', scope: 'Subscription' },
      ]),
    ).toEqual([contributor, reader]);
  });

  it('aliases the name earlier versions derived where their case folding differs', () => {
    const [ascii, accented] = planProvisioning(
      {
        ...request,
        roleAssignments: [
          { role: 'Reader', scope: 'rg-payments' },
          { role: 'Reader', scope: 'rg-\u00c9' },
        ],
      },
      context,
    ).plan!.roleAssignments;
    expect(ascii.formerLogicalNames).toEqual([]);
    expect(accented.logicalName).toBe(
      'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-40e5c547',
    );
    expect(accented.formerLogicalNames).toEqual([
      'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-20e592e7',
    ]);
  });

  it('tells apart scopes that only look alike, as Azure does', () => {
    const { plan, problems } = planProvisioning(
      {
        ...request,
        roleAssignments: [
          { role: 'Reader', scope: 'rg-k' },
          { role: 'Reader', scope: 'rg-\u212a' },
        ],
      },
      context,
    );
    expect(problems).toBeUndefined();
    const [k, kelvin] = plan!.roleAssignments;
    expect(k.logicalName).not.toBe(kelvin.logicalName);
  });

  it.each<
    [
      string,
      Partial<ProvisionRequest>,
      Partial<PlanContext>,
      Record<string, string>,
    ]
  >([
    ['an empty project', { project: '' }, {}, { project: 'must not be empty' }],
    [
      'a project with a slash',
      { project: 'pay/ments' },
      {},
      {
        project:
          "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
      },
    ],
    [
      'an environment with a colon',
      { environment: 'prod:eu' },
      {},
      {
        environment:
          "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
      },
    ],
    [
      'no organization anywhere',
      {},
      { defaultOrganization: undefined },
      {
        organization:
          'must be given: this portal has no default organization (pulumiAzureOidc.pulumiCloud.organization)',
      },
    ],
    [
      'a subscription that is not a GUID',
      { subscriptionId: 'payments' },
      {},
      { subscriptionId: 'must be a subscription id (a GUID)' },
    ],
    [
      'a subscription outside the guardrails',
      { subscriptionId: other },
      {},
      {
        subscriptionId: `must be one of the subscriptions this portal allows: ${sub}`,
      },
    ],
    [
      'a privileged role',
      { roleAssignments: [{ role: 'Owner' }] },
      {},
      {
        'roleAssignments[0].role':
          "names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
      },
    ],
    [
      'an unknown role',
      { roleAssignments: [{ role: 'Reader' }, { role: 'Wizard' }] },
      {},
      {
        'roleAssignments[1].role':
          "names 'Wizard', which is not a role this portal knows; it allows Reader, Contributor, Key Vault Secrets User",
      },
    ],
    [
      'a scope in another subscription',
      {
        roleAssignments: [{ role: 'Reader', scope: `/subscriptions/${other}` }],
      },
      {},
      { 'roleAssignments[0].scope': `must lie inside the subscription ${sub}` },
    ],
    [
      'a scope outside the allowed prefixes',
      { roleAssignments: [{ role: 'Reader', scope: 'rg-other' }] },
      {
        guardrails: {
          ...context.guardrails,
          allowedScopePrefixes: [`/subscriptions/${sub}/resourceGroups/rg-app`],
        },
      },
      {
        'roleAssignments[0].scope': `must lie within one of the scopes this portal allows: /subscriptions/${sub}/resourceGroups/rg-app`,
      },
    ],
    [
      'the same role twice at one scope',
      {
        roleAssignments: [
          { role: 'Reader', scope: 'rg' },
          { role: 'reader', scope: `/subscriptions/${sub}/resourceGroups/RG` },
        ],
      },
      {},
      {
        'roleAssignments[1]':
          'repeats roleAssignments[0]: the same role at the same scope',
      },
    ],
    [
      'subject attributes in environment mode',
      {
        subjectMode: 'environment',
        subjectAttributes: ['currentEnvironment.name'],
      },
      {},
      {
        subjectAttributes: "only apply when subjectMode is 'subjectAttributes'",
      },
    ],
    [
      'no subject attribute',
      { subjectMode: 'subjectAttributes', subjectAttributes: [] },
      {},
      {
        subjectAttributes:
          'must list at least one of currentEnvironment.name, rootEnvironment.name',
      },
    ],
    [
      'a repeated subject attribute',
      {
        subjectMode: 'subjectAttributes',
        subjectAttributes: [
          'currentEnvironment.name',
          'currentEnvironment.name',
        ],
      },
      {},
      { subjectAttributes: 'must list each attribute once' },
    ],
    [
      'root environments without the attribute',
      { subjectMode: 'subjectAttributes', rootEnvironments: ['apps/web'] },
      {},
      {
        rootEnvironments:
          "only apply when subjectAttributes lists 'rootEnvironment.name'",
      },
    ],
    [
      'a malformed root environment',
      {
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['rootEnvironment.name'],
        rootEnvironments: ['web'],
      },
      {},
      { 'rootEnvironments[0]': "must be written 'project/environment'" },
    ],
    [
      'the environment as its own root',
      {
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['rootEnvironment.name'],
        rootEnvironments: ['payments/prod'],
      },
      {},
      {
        'rootEnvironments[0]':
          'names the environment itself, which is always trusted',
      },
    ],
    [
      'a bad Key Vault name',
      { keyVault: { name: 'kv', secrets: ['a'] } },
      {},
      { 'keyVault.name': 'must be 3 to 24 characters long' },
    ],
    [
      'a Key Vault without secrets',
      { keyVault: { name: 'kv-pay', secrets: [] } },
      {},
      { 'keyVault.secrets': 'must list at least one secret name' },
    ],
    [
      'a bad secret name',
      { keyVault: { name: 'kv-pay', secrets: ['ok', 'not_ok'] } },
      {},
      { 'keyVault.secrets[1]': 'must be 1 to 127 letters, digits and hyphens' },
    ],
    [
      'creating the environment without Pulumi Cloud access',
      { createEscEnvironment: true },
      { escEnvironmentsEnabled: false },
      {
        createEscEnvironment:
          'cannot be used: this portal has no Pulumi Cloud access token (pulumiAzureOidc.pulumiCloud.accessToken); create the environment from the returned YAML instead',
      },
    ],
    [
      'an owner that is not an entity reference',
      { owner: 'group:' },
      {},
      {
        owner:
          "must be a catalog entity reference such as 'group:default/my-team'",
      },
    ],
    [
      'the IaC subject in subjectAttributes mode, where no token carries it',
      {
        subjectMode: 'subjectAttributes',
        includeIacSubject: true,
      },
      {},
      {
        includeIacSubject:
          "only applies when subjectMode is 'environment': with subjectAttributes, tokens never carry the <yaml> subject, so the credential would only trust other environments",
      },
    ],
    [
      'an owner the requester does not belong to',
      { owner: 'group:default/billing-team' },
      {},
      {
        owner:
          "must be you or a group you belong to (group:default/payments-team); 'group:default/billing-team' is neither. Platform administrators may choose any owner.",
      },
    ],
    [
      'more than 20 credentials',
      {
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['rootEnvironment.name'],
        rootEnvironments: Array.from({ length: 20 }, (_, i) => `apps/web${i}`),
      },
      {},
      {
        rootEnvironments:
          'would need 21 federated identity credentials, and Entra allows at most 20 per application',
      },
    ],
  ])('refuses %s', (_, overrides, contextOverrides, expected) => {
    const result = planProvisioning(
      { ...request, ...overrides },
      { ...context, ...contextOverrides },
    );
    expect(result.plan).toBeUndefined();
    expect(
      Object.fromEntries(result.problems!.map(p => [p.field, p.message])),
    ).toEqual(expected);
  });

  it('reports every problem at once', () => {
    const { problems } = planProvisioning(
      {
        project: '',
        environment: '-',
        subscriptionId: other,
        keyVault: { name: 'x', secrets: [] },
      },
      context,
    );
    expect(problems!.map(p => p.field)).toEqual([
      'project',
      'environment',
      'subscriptionId',
      'keyVault.name',
      'keyVault.secrets',
    ]);
  });

  it.each<[string, Partial<ProvisionRequest>, Partial<PlanContext>]>([
    ['the default project', { project: 'default' }, {}],
    [
      'an explicit organization and subscription',
      { organization: 'other-org', subscriptionId: sub.toUpperCase() },
      { defaultOrganization: undefined, defaultSubscriptionId: undefined },
    ],
    ['no role at all', { roleAssignments: [] }, {}],
    [
      'an allowed privileged role',
      { roleAssignments: [{ role: 'Owner', scope: 'rg' }] },
      {
        guardrails: {
          ...context.guardrails,
          allowedPrivilegedRoles: ['Owner'],
        },
      },
    ],
    [
      'a resource scope',
      {
        roleAssignments: [
          {
            role: 'Key Vault Secrets User',
            scope: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-pay`,
          },
        ],
      },
      {},
    ],
    [
      'exactly 20 credentials',
      {
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['rootEnvironment.name'],
        rootEnvironments: Array.from({ length: 19 }, (_, i) => `apps/web${i}`),
      },
      {},
    ],
    [
      'the IaC subject in environment mode',
      { subjectMode: 'environment', includeIacSubject: true },
      {},
    ],
    [
      'any owner from a platform administrator',
      { owner: 'group:default/billing-team' },
      { requester: { ...context.requester, administrator: true } },
    ],
    [
      'Key Vault secrets',
      { keyVault: { name: 'kv-pay', secrets: ['db-password'] } },
      {},
    ],
    [
      'creating the environment in Pulumi Cloud',
      { createEscEnvironment: true },
      {},
    ],
  ])('accepts %s', (_, overrides, contextOverrides) => {
    const result = planProvisioning(
      { ...request, ...overrides },
      { ...context, ...contextOverrides },
    );
    expect(result.problems).toBeUndefined();
  });

  it('uses the bare organization as audience in the default project', () => {
    const { plan } = planProvisioning(
      { ...request, project: 'default' },
      context,
    );
    expect(plan!.audience).toBe('acme');
    expect(plan!.credentials.map(c => c.subject)).toEqual([
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:default/prod',
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:prod',
    ]);
    const environmentMode = planProvisioning(
      { ...request, project: 'default', subjectMode: 'environment' },
      context,
    ).plan!;
    expect(environmentMode.credentials[0].subject).toBe(
      'pulumi:environments:org:acme:env:prod',
    );
  });

  it('makes the requester the owner when the request names none', () => {
    const { plan } = planProvisioning(
      { ...request, owner: undefined },
      context,
    );
    expect(plan!.owner).toBe('user:default/ada');
    expect(plan!.application.tags).toContain(
      'backstage-owner:user:default/ada',
    );
  });
});

describe('an environment provisioned before', () => {
  const environmentCredential = {
    logicalName: 'credential-pulumi-esc-environment',
    name: 'pulumi-esc-environment',
    issuer: 'https://api.pulumi.com/oidc',
    audience: 'azure:acme',
    subject: 'pulumi:environments:org:acme:env:payments/prod',
    description: 'Pulumi ESC environment acme/payments/prod',
  };
  const recordedEnvironmentMode: PlanContext['recorded'] = {
    subjectMode: 'environment',
    subjectAttributes: [],
    credentials: [environmentCredential],
    roleAssignmentNames: {},
  };

  it('keeps the subject mode its stack records when the request names none', () => {
    const { plan } = planProvisioning(request, {
      ...context,
      recorded: recordedEnvironmentMode,
    });
    expect(plan).toMatchObject({
      subjectMode: 'environment',
      subjectModeSource: 'recorded',
      credentials: [environmentCredential],
      retiringCredentials: [],
    });
  });

  it('adds the new subject under a name of its own and retires the old one on a deliberate change', () => {
    const { plan } = planProvisioning(
      { ...request, subjectMode: 'subjectAttributes' },
      { ...context, recorded: recordedEnvironmentMode },
    );
    expect(plan!.subjectModeSource).toBe('requested');
    expect(plan!.credentials.map(c => [c.logicalName, c.subject])).toEqual([
      [
        'credential-pulumi-esc-current-environment',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
      ],
    ]);
    expect(plan!.retiringCredentials).toEqual([environmentCredential]);
  });

  it("keeps a credential's name for the same subject, whatever name this version would give it", () => {
    // An earlier version named the subjectAttributes credential pulumi-esc-environment.
    const earlier = {
      ...environmentCredential,
      subject:
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
    };
    const { plan } = planProvisioning(
      { ...request, subjectMode: 'environment' },
      {
        ...context,
        recorded: {
          subjectMode: 'subjectAttributes',
          subjectAttributes: ['currentEnvironment.name'],
          credentials: [earlier],
          roleAssignmentNames: {},
        },
      },
    );
    // The environment subject may not take the name the old subject holds.
    expect(plan!.credentials).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^pulumi-esc-environment-[0-9a-f]{8}$/),
        subject: 'pulumi:environments:org:acme:env:payments/prod',
      }),
    ]);
    expect(plan!.retiringCredentials).toEqual([earlier]);
  });

  it('keeps the Azure names of role assignments its stack holds, and derives new ones from environment, role and scope', () => {
    const fresh = planProvisioning(request, context).plan!;
    const [reader, contributor] = fresh.roleAssignments;
    expect(reader.roleAssignmentName).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(contributor.roleAssignmentName).not.toBe(reader.roleAssignmentName);
    // The same request for another environment gets other names.
    expect(
      planProvisioning({ ...request, environment: 'staging' }, context).plan!
        .roleAssignments[0].roleAssignmentName,
    ).not.toBe(reader.roleAssignmentName);
    // ASCII letter case does not matter to Azure, nor to the name.
    expect(
      planProvisioning(
        {
          ...request,
          roleAssignments: [{ role: 'READER', scope: 'SUBSCRIPTION' }],
        },
        context,
      ).plan!.roleAssignments[0].roleAssignmentName,
    ).toBe(reader.roleAssignmentName);

    const upgraded = planProvisioning(request, {
      ...context,
      recorded: {
        credentials: [],
        roleAssignmentNames: {
          [reader.logicalName]: '0a2b7dc5-8eb4-4970-9418-694f83a6c164',
        },
      },
    }).plan!;
    expect(upgraded.roleAssignments.map(r => r.roleAssignmentName)).toEqual([
      '0a2b7dc5-8eb4-4970-9418-694f83a6c164',
      contributor.roleAssignmentName,
    ]);
  });

  it('makes the configured owners co-own the application', () => {
    const owner = '0f0e0d0c-0000-4000-8000-000000000001';
    expect(
      planProvisioning(request, { ...context, applicationOwners: [owner] })
        .plan!.application.owners,
    ).toEqual([owner]);
  });
});

describe('answeredRequest', () => {
  it("fills in the portal's defaults, in the template's words, so that Update starts from them", () => {
    const { plan } = planProvisioning(request, context);
    expect(answeredRequest(request, plan!)).toEqual({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
      subscriptionId: sub,
      roleAssignments: [
        { role: 'Reader' },
        { role: 'Contributor', scope: 'rg-payments' },
      ],
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name'],
      createEscEnvironment: false,
      owner: 'group:default/payments-team',
    });
  });

  it('keeps only the answers of the chosen subject mode', () => {
    const withRoots: ProvisionRequest = {
      ...request,
      subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
      rootEnvironments: ['payments/app'],
    };
    expect(
      answeredRequest(withRoots, planProvisioning(withRoots, context).plan!),
    ).toMatchObject({
      rootEnvironments: ['payments/app'],
      subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
    });

    const plain: ProvisionRequest = {
      ...request,
      subjectMode: 'environment',
      includeIacSubject: true,
    };
    const answered = answeredRequest(
      plain,
      planProvisioning(plain, context).plan!,
    );
    expect(answered).toMatchObject({
      subjectMode: 'environment',
      includeIacSubject: true,
    });
    expect(answered).not.toHaveProperty('subjectAttributes');
  });
});
