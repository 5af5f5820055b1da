import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { escEnvironmentEntity } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { pulumiAzureOidcApiRef } from './api';
import { EscEnvironmentCard } from './EscEnvironmentCard';
import { taskRouteRef, templateRouteRef } from './routes';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
const TENANT = '99999999-8888-7777-6666-555555555555';
const SUBJECT =
  'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod';
const REQUEST = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
  subscriptionId: SUBSCRIPTION,
  roleAssignments: [{ role: 'Reader' }],
  owner: 'group:default/payments-team',
};

const entity = escEnvironmentEntity({
  environment: {
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
  },
  owner: 'group:default/payments-team',
  clientId: 'c1d2e3f4-0000-0000-0000-000000000001',
  tenantId: TENANT,
  subscriptionId: SUBSCRIPTION,
  stackName: 'acme.payments.prod-0123456789ab',
  subjectMode: 'subjectAttributes',
  subjectAttributes: ['currentEnvironment.name'],
  environmentYaml: 'values:\n  azure:\n    login: {}\n',
  links: [
    {
      title: 'ESC environment acme/payments/prod',
      url: 'https://app.pulumi.com/acme/esc/payments/prod',
    },
  ],
  trust: {
    issuer: 'https://api.pulumi.com/oidc',
    audience: 'azure:acme',
    subjects: [SUBJECT],
  },
  azureAccess: [
    {
      role: 'Reader',
      roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      scope: `/subscriptions/${SUBSCRIPTION}`,
    },
  ],
  request: REQUEST,
  task: { id: 'task-0042', at: '2026-11-30T08:00:00.000Z' },
}) as Entity;

const drifted = {
  kind: 'drift' as const,
  ok: true,
  status: 'drifted' as const,
  checkedAt: '2026-11-30T06:00:00.000Z',
  checks: [],
  drift: ['gone: role assignment acdd72a7 on /subscriptions/s'],
};

describe('EscEnvironmentCard', () => {
  const api = {
    getOptions: jest.fn(),
    latestChecks: jest.fn(),
    getStatus: jest.fn(async () => ({
      environmentRef: 'acme/payments/prod',
      verify: [],
      drift: [drifted],
    })),
    verify: jest.fn(),
  };
  const render = (
    shown: Entity = entity,
    authorize:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) =>
    renderInTestApp(
      <EntityProvider entity={shown}>
        <EscEnvironmentCard />
      </EntityProvider>,
      {
        apis: [
          [pulumiAzureOidcApiRef, api],
          mockApis.permission({ authorize }),
        ],
        mountedRoutes: {
          '/create/templates/:namespace/:templateName': templateRouteRef,
          '/create/tasks/:taskId': taskRouteRef,
        },
      },
    );

  it('shows the trust, the Azure access and the YAML the run produced', async () => {
    await render();
    expect(
      screen.getByText('Pulumi ESC environment acme/payments/prod'),
    ).toBeInTheDocument();
    for (const value of [
      'c1d2e3f4-0000-0000-0000-000000000001',
      TENANT,
      'https://api.pulumi.com/oidc',
      'azure:acme',
      SUBJECT,
      'acme.payments.prod-0123456789ab',
    ]) {
      expect(screen.getByText(value)).toBeInTheDocument();
    }
    expect(
      screen.getByText(
        /^subjectAttributes: Tokens name this environment whoever opens it/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: new RegExp(`^/subscriptions/${SUBSCRIPTION}`),
      }),
    ).toHaveAttribute(
      'href',
      `https://portal.azure.com/#@${TENANT}/resource/subscriptions/${SUBSCRIPTION}/users`,
    );
    expect(
      screen.getByRole('link', {
        name: /^ESC environment acme\/payments\/prod/,
      }),
    ).toHaveAttribute('href', 'https://app.pulumi.com/acme/esc/payments/prod');
    expect(screen.getByRole('link', { name: 'task-0042' })).toHaveAttribute(
      'href',
      '/create/tasks/task-0042',
    );
    // The highlighter loads lazily and splits the YAML into tokens.
    await waitFor(() =>
      expect(document.body).toHaveTextContent('values: azure: login: {}'),
    );
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();
  });

  it("opens Update with the environment's answers, and Decommission with the environment", async () => {
    await render();
    const update = await screen.findByRole('button', { name: 'Update' });
    const updateUrl = new URL(update.getAttribute('href')!, 'http://portal');
    expect(updateUrl.pathname).toBe(
      '/create/templates/default/azure-esc-environment',
    );
    expect(JSON.parse(updateUrl.searchParams.get('formData')!)).toEqual(
      REQUEST,
    );
    const decommission = screen.getByRole('button', { name: 'Decommission' });
    const decommissionUrl = new URL(
      decommission.getAttribute('href')!,
      'http://portal',
    );
    expect(decommissionUrl.pathname).toBe(
      '/create/templates/default/decommission-esc-environment',
    );
    expect(JSON.parse(decommissionUrl.searchParams.get('formData')!)).toEqual({
      environment: `resource:default/${entity.metadata.name}`,
    });
  });

  it('offers no action to those the permission policy does not let manage it', async () => {
    // Another entity: the permission hook caches decisions per resource.
    await render(
      { ...entity, metadata: { ...entity.metadata, name: 'someone-elses' } },
      AuthorizeResult.DENY,
    );
    expect(
      await screen.findByText(
        /Only its owners and the platform's administrators may verify, update or decommission/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Update' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Decommission' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Verify now' })).toBeNull();
  });

  it('shows the last checks, and verifies now on request', async () => {
    api.verify.mockResolvedValueOnce({
      kind: 'verify',
      ok: false,
      status: 'failed',
      checkedAt: '2026-11-30T07:00:00.000Z',
      checks: [
        { name: 'stack', status: 'passed', detail: 'fine' },
        { name: 'Entra exchange', status: 'failed', detail: 'AADSTS700213' },
      ],
    });
    await render();
    expect(
      await screen.findByText('Last verification: never run'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Last drift check: the trust has drifted/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('gone: role assignment acdd72a7 on /subscriptions/s'),
    ).toBeInTheDocument();

    fireEvent.click(await screen.findByRole('button', { name: 'Verify now' }));
    expect(
      await screen.findByText(/Last verification: the trust is broken/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Entra exchange failed: AADSTS700213'),
    ).toBeInTheDocument();
    expect(api.verify).toHaveBeenCalledWith({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    });
  });

  it('says why the portal refused to verify', async () => {
    api.verify.mockRejectedValueOnce(
      new Error(
        'Cannot verify acme/payments/prod: it belongs to group:default/payments-team',
      ),
    );
    await render();
    fireEvent.click(await screen.findByRole('button', { name: 'Verify now' }));
    expect(
      await screen.findByText(
        'Cannot verify acme/payments/prod: it belongs to group:default/payments-team',
      ),
    ).toBeInTheDocument();
  });

  it('makes do with an entity from an earlier version, which records less', async () => {
    const { trust, azureAccess, request, ...olderSpec } = entity.spec as any;
    const older = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: Object.fromEntries(
          Object.entries(entity.metadata.annotations!).filter(
            ([key]) =>
              !key.endsWith('/task-id') && !key.endsWith('/updated-at'),
          ),
        ),
      },
      spec: olderSpec,
    };
    await render(older);
    expect(
      screen.getByText('No role assignment recorded.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Last changed by: not recorded'),
    ).toBeInTheDocument();
    const update = await screen.findByRole('button', { name: 'Update' });
    expect(
      JSON.parse(
        new URL(update.getAttribute('href')!, 'http://portal').searchParams.get(
          'formData',
        )!,
      ),
    ).toEqual({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
      subscriptionId: SUBSCRIPTION,
      owner: 'group:default/payments-team',
      description:
        'Pulumi ESC environment acme/payments/prod, logging into Azure through OIDC.',
      subjectMode: 'subjectAttributes',
    });
  });

  it('says what is missing when the entity names no ESC environment', async () => {
    api.getStatus.mockClear();
    await render({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'half-made' },
      spec: { type: 'pulumi-esc-environment', owner: 'group:default/x' },
    });
    expect(
      screen.getByText(/This entity does not name its ESC environment/),
    ).toBeInTheDocument();
    expect(api.getStatus).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Update' })).toBeNull();
  });
});
