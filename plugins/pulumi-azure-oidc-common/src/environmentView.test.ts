import { azurePortalAccessUrl, ESC_ANNOTATIONS, escEnvironmentView } from '.';

describe('escEnvironmentView', () => {
  it('reads what the portal wrote', () => {
    const view = escEnvironmentView({
      metadata: {
        annotations: {
          [ESC_ANNOTATIONS.organization]: 'acme',
          [ESC_ANNOTATIONS.project]: 'payments',
          [ESC_ANNOTATIONS.environment]: 'prod',
          [ESC_ANNOTATIONS.clientId]: 'client',
          [ESC_ANNOTATIONS.tenantId]: 'tenant',
          [ESC_ANNOTATIONS.subjectMode]: 'environment',
          [ESC_ANNOTATIONS.taskId]: 'task-1',
          [ESC_ANNOTATIONS.updatedAt]: '2026-11-30T08:00:00.000Z',
        },
      },
      spec: {
        trust: { issuer: 'i', audience: 'a', subjects: ['s1', 7, 's2'] },
        azureAccess: [
          { role: 'Reader', roleDefinitionId: 'r', scope: '/subscriptions/x' },
          { role: 'Contributor' },
          'garbage',
        ],
        environmentYaml: 'values: {}\n',
        request: { project: 'payments' },
      },
    });
    expect(view).toEqual({
      environment: {
        organization: 'acme',
        project: 'payments',
        environment: 'prod',
      },
      clientId: 'client',
      tenantId: 'tenant',
      subscriptionId: undefined,
      stackName: undefined,
      subjectMode: 'environment',
      subjectAttributes: [],
      trust: { issuer: 'i', audience: 'a', subjects: ['s1', 's2'] },
      azureAccess: [
        { role: 'Reader', roleDefinitionId: 'r', scope: '/subscriptions/x' },
      ],
      environmentYaml: 'values: {}\n',
      request: { project: 'payments' },
      task: { id: 'task-1', at: '2026-11-30T08:00:00.000Z' },
    });
  });

  it('makes do with an entity that records nothing of the kind', () => {
    expect(
      escEnvironmentView({
        metadata: {},
        spec: { trust: 'x', azureAccess: {}, request: [] },
      }),
    ).toEqual({
      environment: undefined,
      clientId: undefined,
      tenantId: undefined,
      subscriptionId: undefined,
      stackName: undefined,
      trust: undefined,
      azureAccess: [],
      environmentYaml: undefined,
      request: undefined,
      task: undefined,
    });
  });
});

describe('azurePortalAccessUrl', () => {
  it("opens the scope's access control in the environment's tenant", () => {
    expect(
      azurePortalAccessUrl('/subscriptions/s/resourceGroups/rg', 'tenant-id'),
    ).toBe(
      'https://portal.azure.com/#@tenant-id/resource/subscriptions/s/resourceGroups/rg/users',
    );
    expect(azurePortalAccessUrl('/subscriptions/s')).toBe(
      'https://portal.azure.com/#/resource/subscriptions/s/users',
    );
  });
});
