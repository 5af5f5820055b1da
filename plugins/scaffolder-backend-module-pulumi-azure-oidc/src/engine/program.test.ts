import { parse } from 'yaml';
import { SUBSCRIPTION, TENANT, testPlan } from '../__testUtils__/plans';
import { dryRunProgram, PLACEHOLDERS } from './dryRun';

const options = {
  projectName: 'esc-azure-oidc',
  stackName: 'test',
  tenantId: TENANT,
};

describe('the Pulumi program, under mocks', () => {
  it('builds the application, its service principal, the credential and the roles', async () => {
    const plan = testPlan({
      roleAssignments: [
        { role: 'Reader' },
        { role: 'Contributor', scope: 'rg-payments' },
      ],
    });
    const { resources } = await dryRunProgram(plan, options);

    // Resources register as their inputs resolve: compare as a set.
    const byName = (a: string[], b: string[]) => a[1].localeCompare(b[1]);
    expect(resources.map(r => [r.type, r.name]).sort(byName)).toEqual(
      [
        ['azuread:index/application:Application', 'application'],
        [
          'azuread:index/servicePrincipal:ServicePrincipal',
          'service-principal',
        ],
        [
          'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
          'credential-pulumi-esc-environment',
        ],
        [
          'azure-native:authorization:RoleAssignment',
          plan.roleAssignments[0].logicalName,
        ],
        [
          'azure-native:authorization:RoleAssignment',
          plan.roleAssignments[1].logicalName,
        ],
      ].sort(byName),
    );

    const named = (name: string) => resources.find(r => r.name === name)!;
    const application = named('application');
    const servicePrincipal = named('service-principal');
    const credential = named('credential-pulumi-esc-environment');
    const reader = named(plan.roleAssignments[0].logicalName);
    const contributor = named(plan.roleAssignments[1].logicalName);
    expect(application.inputs).toMatchObject({
      displayName: 'Pulumi ESC acme/payments/prod',
      signInAudience: 'AzureADMyOrg',
      preventDuplicateNames: true,
      tags: ['pulumi-esc-oidc', 'backstage-owner:group:default/payments-team'],
    });
    expect(application.inputs.notes).toContain(
      'Requested by: user:default/ada.',
    );
    expect(servicePrincipal.inputs).toMatchObject({
      clientId: PLACEHOLDERS.clientId,
    });
    expect(credential.inputs).toEqual({
      applicationId: `/applications/${PLACEHOLDERS.applicationObjectId}`,
      displayName: 'pulumi-esc-environment',
      description: 'Pulumi ESC environment acme/payments/prod',
      issuer: 'https://api.pulumi.com/oidc',
      audiences: ['azure:acme'],
      subject: 'pulumi:environments:org:acme:env:payments/prod',
    });
    expect(reader.inputs).toEqual({
      principalId: PLACEHOLDERS.servicePrincipalObjectId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      scope: `/subscriptions/${SUBSCRIPTION}`,
      description: 'Reader for the Pulumi ESC environment acme/payments/prod',
    });
    expect(contributor.inputs).toMatchObject({
      principalId: PLACEHOLDERS.servicePrincipalObjectId,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
      scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
    });
  });

  it('uses the bare organization as audience and no project in the default project', async () => {
    const { resources } = await dryRunProgram(
      testPlan({ project: 'default' }),
      options,
    );
    const credential = resources.find(
      r => r.name === 'credential-pulumi-esc-environment',
    )!;
    expect(credential.inputs).toMatchObject({
      audiences: ['acme'],
      subject: 'pulumi:environments:org:acme:env:prod',
    });
  });

  it('adds the <yaml> credential of IaC stacks when asked', async () => {
    const { resources } = await dryRunProgram(
      testPlan({ includeIacSubject: true }),
      options,
    );
    expect(
      resources
        .filter(r => r.name.startsWith('credential-'))
        .map(c => [c.name, c.inputs.subject]),
    ).toEqual([
      [
        'credential-pulumi-esc-environment',
        'pulumi:environments:org:acme:env:payments/prod',
      ],
      [
        'credential-pulumi-esc-iac-stacks',
        'pulumi:environments:org:acme:env:<yaml>',
      ],
    ]);
  });

  it('adds the root-environment credentials in subjectAttributes mode', async () => {
    const plan = testPlan({
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
      rootEnvironments: ['apps/web'],
    });
    const { resources, outputs } = await dryRunProgram(plan, options);
    const credentials = resources.filter(r => r.name.startsWith('credential-'));
    expect(credentials.map(c => c.inputs.subject)).toEqual([
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:payments/prod',
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:apps/web',
    ]);
    expect(
      credentials.every(
        c => (c.inputs.audiences as string[])[0] === 'azure:acme',
      ),
    ).toBe(true);
    expect(outputs.subjects).toEqual(credentials.map(c => c.inputs.subject));
    expect(
      parse(outputs.environmentYaml).values.azure.login['fn::open::azure-login']
        .subjectAttributes,
    ).toEqual(['currentEnvironment.name', 'rootEnvironment.name']);
  });

  it('exports every id and the rendered environment', async () => {
    const plan = testPlan({
      keyVault: { name: 'kv-payments', secrets: ['db-password'] },
    });
    const { outputs } = await dryRunProgram(plan, options);
    expect(outputs).toEqual({
      clientId: PLACEHOLDERS.clientId,
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      applicationObjectId: PLACEHOLDERS.applicationObjectId,
      servicePrincipalObjectId: PLACEHOLDERS.servicePrincipalObjectId,
      issuer: 'https://api.pulumi.com/oidc',
      audience: 'azure:acme',
      subjects: ['pulumi:environments:org:acme:env:payments/prod'],
      federatedCredentialIds: [PLACEHOLDERS.credentialId],
      roleAssignmentIds: [
        `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${PLACEHOLDERS.roleAssignmentName}`,
      ],
      environmentRef: 'acme/payments/prod',
      environmentYaml: expect.any(String),
      owner: 'group:default/payments-team',
    });
    const login = parse(outputs.environmentYaml).values.azure;
    expect(login.login['fn::open::azure-login']).toEqual({
      clientId: PLACEHOLDERS.clientId,
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      oidc: true,
    });
    expect(login.secrets['fn::open::azure-secrets'].vault).toBe('kv-payments');
  });

  it('creates nothing in Pulumi Cloud: the action does, once the trust exists', async () => {
    const { resources } = await dryRunProgram(
      testPlan({ createEscEnvironment: true }),
      options,
    );
    expect(resources.every(r => r.type.startsWith('az'))).toBe(true);
  });

  it('keeps every logical name when run twice, and changes only role names with roles', async () => {
    const names = async (roles: Array<{ role: string; scope?: string }>) =>
      (
        await dryRunProgram(testPlan({ roleAssignments: roles }), options)
      ).resources.map(r => r.name);
    const first = await names([{ role: 'Reader' }]);
    expect(await names([{ role: 'Reader' }])).toEqual(first);

    const changed = await names([
      { role: 'Reader' },
      { role: 'Contributor', scope: 'rg' },
    ]);
    expect(changed.slice(0, first.length)).toEqual(first);
    expect(changed).toHaveLength(first.length + 1);
  });
});
