import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { escEnvironmentEntity } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { pulumiAzureOidcApiRef } from './api';
import { EscEnvironmentCard } from './EscEnvironmentCard';

describe('EscEnvironmentCard', () => {
  const entity = escEnvironmentEntity({
    environment: {
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    },
    owner: 'group:default/payments-team',
    clientId: 'c1d2e3f4-0000-0000-0000-000000000001',
    tenantId: '99999999-8888-7777-6666-555555555555',
    subscriptionId: '11111111-2222-3333-4444-555555555555',
    stackName: 'acme.payments.prod-0123456789ab',
    subjectMode: 'subjectAttributes',
    subjectAttributes: ['currentEnvironment.name'],
    environmentYaml: 'values:\n  azure:\n    login: {}\n',
    links: [],
  });
  const drifted = {
    kind: 'drift' as const,
    ok: true,
    status: 'drifted' as const,
    checkedAt: '2026-11-30T06:00:00.000Z',
    checks: [],
    drift: ['gone: role assignment acdd72a7 on /subscriptions/s'],
  };
  const api = {
    getOptions: jest.fn(),
    getStatus: jest.fn(async () => ({
      environmentRef: 'acme/payments/prod',
      verify: [],
      drift: [drifted],
    })),
    verify: jest.fn(),
  };
  const render = () =>
    renderInTestApp(
      <EntityProvider entity={entity}>
        <EscEnvironmentCard />
      </EntityProvider>,
      { apis: [[pulumiAzureOidcApiRef, api]] },
    );

  it("shows the environment's Azure identity and its YAML, ready to copy", async () => {
    await render();

    expect(screen.getByText('Pulumi ESC environment')).toBeInTheDocument();
    expect(screen.getByText('acme/payments/prod')).toBeInTheDocument();
    expect(
      screen.getByText('c1d2e3f4-0000-0000-0000-000000000001'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('99999999-8888-7777-6666-555555555555'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('acme.payments.prod-0123456789ab'),
    ).toBeInTheDocument();
    // The highlighter loads lazily and splits the YAML into tokens.
    await waitFor(() =>
      expect(document.body).toHaveTextContent('values: azure: login: {}'),
    );
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();
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

    fireEvent.click(screen.getByRole('button', { name: 'Verify now' }));
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
});
