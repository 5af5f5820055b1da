import { planProvisioning } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  planContext,
  RECORDED_ENVIRONMENT_CREDENTIAL,
  SUBSCRIPTION,
} from '../../__testUtils__/plans';
import { emptyStackState } from '../stackModel';
import { readStackState } from './stackState';

const urn = (type: string, name: string) =>
  `urn:pulumi:s::esc-azure-oidc::${type}::${name}`;
const deployment = (resources: object[], pending: object[] = []) => ({
  version: 3,
  deployment: {
    manifest: {},
    resources,
    ...(pending.length ? { pending_operations: pending } : {}),
  },
});
const stackResource = (outputs: object) => ({
  urn: urn('pulumi:pulumi:Stack', 'esc-azure-oidc-s'),
  type: 'pulumi:pulumi:Stack',
  outputs,
});
const provider = {
  urn: urn('pulumi:providers:azuread', 'default'),
  type: 'pulumi:providers:azuread',
};
const application = (tags: string[]) => ({
  urn: urn('azuread:index/application:Application', 'application'),
  type: 'azuread:index/application:Application',
  inputs: { tags },
  outputs: { tags, objectId: 'app-object-id' },
});

/**
 * A stack as the program of earlier versions left it: no subject mode in its
 * outputs, the plain environment subject, and a role assignment whose name
 * azure-native generated at random.
 */
const earlierProgramsStack = deployment([
  stackResource({
    owner: 'group:default/payments-team',
    environmentRef: 'acme/payments/prod',
    subjects: ['pulumi:environments:org:acme:env:payments/prod'],
  }),
  provider,
  application([
    'pulumi-esc-oidc',
    'backstage-owner:group:default/payments-team',
  ]),
  {
    urn: urn(
      'azuread:index/servicePrincipal:ServicePrincipal',
      'service-principal',
    ),
    type: 'azuread:index/servicePrincipal:ServicePrincipal',
  },
  {
    urn: urn(
      'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
      'credential-pulumi-esc-environment',
    ),
    type: 'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
    inputs: {
      applicationId: '/applications/app-object-id',
      displayName: 'pulumi-esc-environment',
      description: 'Pulumi ESC environment acme/payments/prod',
      issuer: 'https://api.pulumi.com/oidc',
      audiences: ['azure:acme'],
      subject: 'pulumi:environments:org:acme:env:payments/prod',
    },
  },
  {
    urn: urn(
      'azure-native:authorization:RoleAssignment',
      'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491',
    ),
    type: 'azure-native:authorization:RoleAssignment',
    inputs: {
      principalType: 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      scope: `/subscriptions/${SUBSCRIPTION}`,
    },
    outputs: { name: '3f1c2b4a-9d8e-4c7b-a6f5-0e1d2c3b4a59' },
  },
]);

describe('readStackState', () => {
  it('reads nothing from a new stack', () => {
    expect(readStackState(deployment([]))).toMatchObject(emptyStackState());
    expect(readStackState({ version: 3, deployment: {} })).toMatchObject(
      emptyStackState(),
    );
  });

  it("reads what an earlier version's stack records: owner, subject mode, credentials, role names", () => {
    const roleUrn = urn(
      'azure-native:authorization:RoleAssignment',
      'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491',
    );
    expect(readStackState(earlierProgramsStack)).toEqual({
      resources: 4,
      held: [
        {
          urn: urn('azuread:index/application:Application', 'application'),
          type: 'azuread:index/application:Application',
          name: 'application',
        },
        expect.objectContaining({ name: 'service-principal' }),
        expect.objectContaining({ name: 'credential-pulumi-esc-environment' }),
        expect.objectContaining({ urn: roleUrn }),
      ],
      roleAssignments: [
        {
          logicalName: 'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491',
          name: '3f1c2b4a-9d8e-4c7b-a6f5-0e1d2c3b4a59',
          scope: `/subscriptions/${SUBSCRIPTION}`,
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        },
      ],
      // Its outputs name no client id: no identity to verify yet.
      identity: undefined,
      owner: 'group:default/payments-team',
      environmentRef: 'acme/payments/prod',
      applicationObjectId: 'app-object-id',
      subjectMode: 'environment',
      subjectAttributes: [],
      credentials: [RECORDED_ENVIRONMENT_CREDENTIAL],
      roleAssignmentNames: {
        'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491':
          '3f1c2b4a-9d8e-4c7b-a6f5-0e1d2c3b4a59',
      },
      pendingCreates: [],
      pendingOperations: 0,
    });
  });

  it('lets an upgraded portal keep the environment as it is: mode, credential and role assignment names', () => {
    const recorded = readStackState(earlierProgramsStack);
    const { plan } = planProvisioning(
      {
        project: 'payments',
        environment: 'prod',
        roleAssignments: [{ role: 'Reader' }],
        owner: 'group:default/payments-team',
      },
      { ...planContext, recorded },
    );
    expect(plan).toMatchObject({
      subjectMode: 'environment',
      subjectModeSource: 'recorded',
      retiringCredentials: [],
      credentials: [
        {
          logicalName: 'credential-pulumi-esc-environment',
          subject: 'pulumi:environments:org:acme:env:payments/prod',
        },
      ],
      roleAssignments: [
        {
          logicalName: 'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-cc0c3491',
          roleAssignmentName: '3f1c2b4a-9d8e-4c7b-a6f5-0e1d2c3b4a59',
        },
      ],
    });
  });

  it('reads the identity a finished update reported', () => {
    const outputs = {
      clientId: 'client',
      tenantId: 'tenant',
      subscriptionId: SUBSCRIPTION,
      servicePrincipalObjectId: 'sp',
      environmentYaml: '# Managed by the portal\n',
    };
    expect(
      readStackState(deployment([stackResource(outputs)])).identity,
    ).toEqual(outputs);
    expect(
      readStackState(
        deployment([stackResource({ ...outputs, clientId: undefined })]),
      ).identity,
    ).toBeUndefined();
  });

  it('reads the subject mode and attributes an update recorded, and infers them from subjects otherwise', () => {
    expect(
      readStackState(
        deployment([
          stackResource({
            subjectMode: 'subjectAttributes',
            subjectAttributes: ['currentEnvironment.name'],
          }),
        ]),
      ),
    ).toMatchObject({
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['currentEnvironment.name'],
    });
    const inferred = readStackState(
      deployment([
        {
          urn: urn(
            'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
            'credential-pulumi-esc-environment',
          ),
          type: 'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
          inputs: {
            subject:
              'pulumi:environments:pulumi.organization.login:acme:rootEnvironment.name:apps/web:currentEnvironment.name:payments/prod',
          },
        },
      ]),
    );
    expect(inferred).toMatchObject({
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['rootEnvironment.name', 'currentEnvironment.name'],
    });
  });

  it("falls back to the application's owner tag where no update finished", () => {
    expect(
      readStackState(
        deployment([
          stackResource({}),
          provider,
          application([
            'pulumi-esc-oidc',
            'backstage-owner:group:default/payments-team',
          ]),
        ]),
      ),
    ).toMatchObject({
      resources: 1,
      owner: 'group:default/payments-team',
      environmentRef: undefined,
    });
  });

  it('says when a stack holds resources but names no owner', () => {
    expect(
      readStackState(
        deployment([
          stackResource({}),
          { type: 'azure-native:authorization:RoleAssignment' },
        ]),
      ),
    ).toMatchObject({ resources: 1, owner: undefined });
  });

  it('reads the operations a run that died left pending', () => {
    const state = readStackState(
      deployment(
        [stackResource({})],
        [
          {
            type: 'creating',
            resource: {
              urn: urn('azuread:index/application:Application', 'application'),
              type: 'azuread:index/application:Application',
              inputs: { displayName: 'Pulumi ESC acme/payments/prod' },
            },
          },
          {
            type: 'updating',
            resource: {
              urn: urn(
                'azuread:index/servicePrincipal:ServicePrincipal',
                'service-principal',
              ),
              type: 'azuread:index/servicePrincipal:ServicePrincipal',
            },
          },
        ],
      ),
    );
    expect(state.pendingCreates).toEqual([
      {
        logicalName: 'application',
        type: 'azuread:index/application:Application',
        inputs: { displayName: 'Pulumi ESC acme/payments/prod' },
      },
    ]);
    expect(state.pendingOperations).toBe(1);
  });
});
