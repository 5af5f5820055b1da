import { parse } from 'yaml';
import { SUBSCRIPTION, TENANT, testPlan } from '../__testUtils__/plans';
import { mockRun } from './preview/mockRun';
import { PLACEHOLDERS } from './preview/placeholders';

const options = { stackName: 'test', tenantId: TENANT };

describe('the Pulumi program, under mocks', () => {
  it('builds the application, its service principal, the credential and the roles', async () => {
    const plan = testPlan({
      roleAssignments: [
        { role: 'Reader' },
        { role: 'Contributor', scope: 'rg-payments' },
      ],
    });
    const { resources } = await mockRun(plan, options);

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
          'credential-pulumi-esc-current-environment',
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
    const credential = named('credential-pulumi-esc-current-environment');
    const reader = named(plan.roleAssignments[0].logicalName);
    const contributor = named(plan.roleAssignments[1].logicalName);
    expect(application.inputs).toMatchObject({
      displayName: 'Pulumi ESC acme/payments/prod',
      signInAudience: 'AzureADMyOrg',
      preventDuplicateNames: true,
      tags: [
        'pulumi-esc-oidc',
        'pulumi-esc-environment:acme/payments/prod',
        'backstage-owner:group:default/payments-team',
      ],
      // The deployer stays an owner, or OwnedBy loses what it made.
      owners: [PLACEHOLDERS.deployerObjectId],
    });
    expect(application.inputs.notes).toContain(
      'Requested by: user:default/ada.',
    );
    expect(servicePrincipal.inputs).toMatchObject({
      clientId: PLACEHOLDERS.clientId,
      owners: [PLACEHOLDERS.deployerObjectId],
      useExisting: true,
    });
    expect(credential.inputs).toEqual({
      applicationId: `/applications/${PLACEHOLDERS.applicationObjectId}`,
      displayName: 'pulumi-esc-current-environment',
      description:
        'Pulumi ESC environment acme/payments/prod, opened as payments/prod',
      issuer: 'https://api.pulumi.com/oidc',
      audiences: ['azure:acme'],
      subject:
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
    });
    expect(reader.inputs).toEqual({
      roleAssignmentName: plan.roleAssignments[0].roleAssignmentName,
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

  it('uses the bare organization as audience and both spellings in the default project', async () => {
    const { resources } = await mockRun(
      testPlan({ project: 'default' }),
      options,
    );
    expect(
      resources
        .filter(r => r.name.startsWith('credential-'))
        .map(c => [c.inputs.audiences, c.inputs.subject]),
    ).toEqual([
      [
        ['acme'],
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:default/prod',
      ],
      [
        ['acme'],
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:prod',
      ],
    ]);
  });

  it('adds the <yaml> credential of IaC stacks to the plain subject when asked', async () => {
    const { resources } = await mockRun(
      testPlan({ subjectMode: 'environment', includeIacSubject: true }),
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

  it('keeps configured co-owners beside the deployer on the application and its principal', async () => {
    const plan = testPlan();
    plan.application.owners = ['0f0e0d0c-0000-4000-8000-000000000001'];
    const { resources } = await mockRun(plan, options);
    for (const name of ['application', 'service-principal']) {
      expect(resources.find(r => r.name === name)!.inputs.owners).toEqual([
        PLACEHOLDERS.deployerObjectId,
        '0f0e0d0c-0000-4000-8000-000000000001',
      ]);
    }
  });

  it('adopts what a run that died left behind, with the ids recovery found', async () => {
    const plan = testPlan();
    const [reader] = plan.roleAssignments;
    const existingName = '0a2b7dc5-8eb4-4970-9418-694f83a6c164';
    const { resources } = await mockRun(plan, {
      ...options,
      adopt: {
        application: { id: '/applications/app-object-id' },
        [reader.logicalName]: {
          id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${existingName}`,
          roleAssignmentName: existingName,
        },
      },
    });
    const named = (name: string) => resources.find(r => r.name === name)!;
    expect(named('application').importId).toBe('/applications/app-object-id');
    expect(named(reader.logicalName)).toMatchObject({
      importId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${existingName}`,
      inputs: { roleAssignmentName: existingName },
    });
    expect(named('service-principal').importId).toBeUndefined();
  });

  it('adds the root-environment credentials in subjectAttributes mode', async () => {
    const plan = testPlan({
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
      rootEnvironments: ['apps/web'],
    });
    const { resources, outputs } = await mockRun(plan, options);
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
    const { outputs } = await mockRun(plan, options);
    expect(outputs).toEqual({
      clientId: PLACEHOLDERS.clientId,
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      applicationObjectId: PLACEHOLDERS.applicationObjectId,
      servicePrincipalObjectId: PLACEHOLDERS.servicePrincipalObjectId,
      issuer: 'https://api.pulumi.com/oidc',
      audience: 'azure:acme',
      subjects: [
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
      ],
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name'],
      federatedCredentialIds: [PLACEHOLDERS.credentialId],
      roleAssignmentIds: [
        `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${plan.roleAssignments[0].roleAssignmentName}`,
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
      subjectAttributes: ['currentEnvironment.name'],
    });
    expect(login.secrets['fn::open::azure-secrets'].vault).toBe('kv-payments');
  });

  it('creates nothing in Pulumi Cloud: the action does, once the trust exists', async () => {
    const { resources } = await mockRun(
      testPlan({ createEscEnvironment: true }),
      options,
    );
    expect(resources.every(r => r.type.startsWith('az'))).toBe(true);
  });

  it('keeps every logical name when run twice, and changes only role names with roles', async () => {
    const names = async (roles: Array<{ role: string; scope?: string }>) =>
      (
        await mockRun(testPlan({ roleAssignments: roles }), options)
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
