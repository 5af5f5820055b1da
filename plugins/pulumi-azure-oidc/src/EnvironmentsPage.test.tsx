import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { ESC_ANNOTATIONS } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { pulumiAzureOidcApiRef } from './api';
import { EnvironmentsPage } from './EnvironmentsPage';
import { templateRouteRef } from './routes';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';

function environment(name: string, project: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ESC_ANNOTATIONS.organization]: 'acme',
        [ESC_ANNOTATIONS.project]: project,
        [ESC_ANNOTATIONS.environment]: 'prod',
        [ESC_ANNOTATIONS.subscriptionId]: SUBSCRIPTION,
        [ESC_ANNOTATIONS.updatedAt]: '2026-11-30T08:00:00.000Z',
        [ESC_ANNOTATIONS.taskId]: 'task-1',
      },
    },
    spec: {
      type: 'pulumi-esc-environment',
      owner,
      azureAccess: [
        {
          role: 'Contributor',
          roleDefinitionId: 'b24988ac',
          scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-${project}`,
        },
      ],
    },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

describe('EnvironmentsPage', () => {
  const ours = environment(
    'payments-prod-1',
    'payments',
    'group:default/payments-team',
  );
  const theirs = environment(
    'billing-prod-2',
    'billing',
    'group:default/billing-team',
  );
  const catalogApi = {
    getEntities: jest.fn(async ({ filter }: any) => ({
      items: filter['relations.ownedBy'] ? [ours] : [ours, theirs],
    })),
  };
  const api = {
    getOptions: jest.fn(
      async (): Promise<any> => ({
        guardrails: {
          allowedSubscriptions: [
            { id: SUBSCRIPTION.toUpperCase(), name: 'Payments production' },
          ],
        },
      }),
    ),
    getStatus: jest.fn(),
    verify: jest.fn(),
    latestChecks: jest.fn(async () => ({
      'acme/payments/prod': {
        verify: {
          kind: 'verify' as const,
          ok: true,
          status: 'passed' as const,
          checkedAt: '2026-11-30T09:00:00.000Z',
          checks: [],
        },
        drift: {
          kind: 'drift' as const,
          ok: true,
          status: 'drifted' as const,
          checkedAt: '2026-11-30T10:00:00.000Z',
          checks: [],
          drift: ['gone: role assignment'],
        },
      },
    })),
  };
  const render = () =>
    renderInTestApp(<EnvironmentsPage />, {
      apis: [
        [catalogApiRef, catalogApi],
        [pulumiAzureOidcApiRef, api],
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: [
            'user:default/guest',
            'group:default/payments-team',
          ],
        }),
      ],
      mountedRoutes: {
        '/create/templates/:namespace/:templateName': templateRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    });

  it("lists the user's environments first, with what they may do in Azure and whether their trust works", async () => {
    await render();
    const row = (await screen.findByText('acme/payments/prod')).closest('tr')!;
    expect(catalogApi.getEntities).toHaveBeenCalledWith({
      filter: {
        kind: 'Resource',
        'spec.type': 'pulumi-esc-environment',
        'relations.ownedBy': [
          'user:default/guest',
          'group:default/payments-team',
        ],
      },
    });
    expect(api.latestChecks).toHaveBeenCalledWith(['acme/payments/prod']);
    expect(within(row).getByText('payments-team')).toBeInTheDocument();
    expect(within(row).getByText('Payments production')).toHaveAttribute(
      'title',
      SUBSCRIPTION,
    );
    expect(
      within(row).getByText('Contributor on resource group rg-payments'),
    ).toBeInTheDocument();
    expect(within(row).getByText('works').closest('[title]')).toHaveAttribute(
      'title',
      `checked ${new Date('2026-11-30T09:00:00.000Z').toLocaleString()}`,
    );
    expect(within(row).getByText('drifted')).toBeInTheDocument();
    expect(screen.queryByText('acme/billing/prod')).toBeNull();
  });

  it('shows every environment on request, unchecked ones as never run', async () => {
    await render();
    await screen.findByText('acme/payments/prod');
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    const row = (await screen.findByText('acme/billing/prod')).closest('tr')!;
    expect(within(row).getAllByText('never run')).toHaveLength(2);
  });

  it('still lists environments when the options cannot be read, by subscription id', async () => {
    api.getOptions.mockRejectedValueOnce(new Error('unreachable'));
    await render();
    const row = (await screen.findByText('acme/payments/prod')).closest('tr')!;
    expect(within(row).getByText(SUBSCRIPTION)).toBeInTheDocument();
  });

  it('offers the template when there is nothing to show', async () => {
    catalogApi.getEntities.mockResolvedValueOnce({ items: [] });
    await render();
    expect(
      await screen.findByText('No ESC environments yet'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: 'Create an ESC environment' })[0],
    ).toHaveAttribute(
      'href',
      '/create/templates/default/azure-esc-environment',
    );
  });
});
