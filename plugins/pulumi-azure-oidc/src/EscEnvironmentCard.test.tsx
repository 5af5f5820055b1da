import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { escEnvironmentEntity } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { screen, waitFor } from '@testing-library/react';
import { EscEnvironmentCard } from './EscEnvironmentCard';

describe('EscEnvironmentCard', () => {
  it("shows the environment's Azure identity and its YAML, ready to copy", async () => {
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

    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EscEnvironmentCard />
      </EntityProvider>,
    );

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
});
