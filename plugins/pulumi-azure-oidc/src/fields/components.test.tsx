import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  BUILT_IN_ROLES,
  ProvisioningOptions,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { pulumiAzureOidcApiRef } from '../api';
import { CatalogDestinationNotice, PortalOptionCheckbox } from './components';

const options: ProvisioningOptions = {
  organization: 'acme',
  guardrails: {
    allowedOrganizations: ['acme'],
    allowIacSubject: false,
    allowedSubscriptions: [],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowedPrivilegedRoles: [],
    allowSubscriptionScope: true,
  },
  roles: [...BUILT_IN_ROLES],
  escEnvironmentsEnabled: true,
  catalogDestination: { type: 'local' },
};

/** Renders a field with the form's props and the options the platform offers. */
async function renderField(
  Field: (props: any) => JSX.Element | null,
  props: object,
  offered: ProvisioningOptions,
) {
  const onChange = jest.fn();
  await renderInTestApp(<Field {...props} onChange={onChange} />, {
    apis: [[pulumiAzureOidcApiRef, { getOptions: async () => offered }]],
  });
  return onChange;
}

const renderOption = (
  option: string,
  formData: boolean | undefined,
  { subjectMode = 'environment', allowIacSubject = false } = {},
) =>
  renderField(
    PortalOptionCheckbox,
    {
      formData,
      schema: { title: option, description: 'What it does.' },
      uiSchema: { 'ui:options': { option } },
      idSchema: { $id: `root_${option}` },
      formContext: { formData: { subjectMode } },
    },
    { ...options, guardrails: { ...options.guardrails, allowIacSubject } },
  );

describe('PortalOptionCheckbox', () => {
  it('offers a choice the platform allows', async () => {
    const onChange = await renderOption('createEscEnvironment', false);
    const checkbox = await screen.findByRole('checkbox', {
      name: 'createEscEnvironment',
    });
    await waitFor(() => expect(checkbox).toBeEnabled());
    expect(screen.getByText('What it does.')).toBeInTheDocument();
    fireEvent.click(checkbox);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it('shows a choice the platform refuses as unavailable, saying why, and turns it off', async () => {
    const onChange = await renderOption('includeIacSubject', true);
    const checkbox = await screen.findByRole('checkbox', {
      name: 'includeIacSubject',
    });
    await waitFor(() => expect(checkbox).toBeDisabled());
    expect(
      screen.getByText(
        'Cannot be used: every IaC stack of the organization presents the <yaml> subject, so this portal does not trust it (pulumiAzureOidc.guardrails.allowIacSubject).',
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledWith(false);
  });

  it('reads the subject mode the form chose', async () => {
    await renderOption('includeIacSubject', false, {
      subjectMode: 'subjectAttributes',
      allowIacSubject: true,
    });
    const checkbox = await screen.findByRole('checkbox', {
      name: 'includeIacSubject',
    });
    await waitFor(() => expect(checkbox).toBeDisabled());
    expect(
      screen.getByText(/^Only applies when subjectMode is 'environment'/),
    ).toBeInTheDocument();
  });

  it('says when the template names no option it knows', async () => {
    await renderOption('makeCoffee', false);
    expect(
      await screen.findByText(
        'ui:options.option must be one of includeIacSubject, createEscEnvironment',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'makeCoffee' })).toBeDisabled();
  });
});

describe('CatalogDestinationNotice', () => {
  it('shows where the platform keeps entities, and asks nothing', async () => {
    const onChange = await renderField(
      CatalogDestinationNotice,
      {
        schema: { title: 'Catalog entity' },
        idSchema: { $id: 'root_catalogDestination' },
      },
      {
        ...options,
        catalogDestination: {
          type: 'github',
          repositoryUrl: 'https://github.com/acme/backstage-catalog',
          branch: 'main',
          path: 'esc-environments',
          via: 'pullRequest',
        },
      },
    );
    expect(
      await screen.findByText(/^A pull request adding it to/),
    ).toHaveTextContent(
      'A pull request adding it to esc-environments/ on branch main of https://github.com/acme/backstage-catalog; the catalog shows it once the pull request is merged.',
    );
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(onChange).not.toHaveBeenCalled();
  });
});
