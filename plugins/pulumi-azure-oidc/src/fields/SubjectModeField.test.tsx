import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { screen, waitFor } from '@testing-library/react';
import { SubjectModeField } from './SubjectModeField';

const environment = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
};

async function renderField(
  formData: string | undefined,
  recordedMode?: string,
) {
  const onChange = jest.fn();
  const entities = recordedMode
    ? [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: escEnvironmentEntityName(environment),
            namespace: 'default',
            annotations: { [ESC_ANNOTATIONS.subjectMode]: recordedMode },
          },
          spec: { type: 'pulumi-esc-environment', owner: 'group:default/x' },
        },
      ]
    : [];
  await renderInTestApp(
    <SubjectModeField
      {...({
        formData,
        onChange,
        schema: { title: 'Whom tokens name' },
        idSchema: { $id: 'root_subjectMode' },
        formContext: { formData: environment },
      } as any)}
    />,
    { apis: [[catalogApiRef, catalogApiMock({ entities })]] },
  );
  return onChange;
}

describe('SubjectModeField', () => {
  it('starts a new environment in the recommended mode, saying what it means', async () => {
    const onChange = await renderField(undefined);
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith('subjectAttributes'),
    );
  });

  it('leaves an existing environment in its recorded mode, and says so', async () => {
    const onChange = await renderField(undefined, 'environment');
    expect(
      await screen.findByText(
        /This environment exists and keeps its subject: The environment that was opened \(plain subject\)\. Tokens name the environment that was opened: environments that import this one, and Pulumi stacks, cannot log in with it/,
      ),
    ).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('explains what a deliberate change does', async () => {
    await renderField('subjectAttributes', 'environment');
    expect(
      await screen.findByText(
        /Changing it trusts the new subject first, then updates the definition, then removes the old one\./,
      ),
    ).toBeInTheDocument();
  });
});
