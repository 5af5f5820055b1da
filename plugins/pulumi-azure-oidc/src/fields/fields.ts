import { ApiHolder } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { RequestField } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { FieldValidation } from '@rjsf/utils';
import { pulumiAzureOidcApiRef } from '../api';
import {
  AzureRoleAssignments,
  AzureSubscriptionPicker,
  CatalogDestinationNotice,
  PortalOptionCheckbox,
  PulumiOrganizationField,
  RuleTextField,
} from './components';
import { SubjectModeField } from './SubjectModeField';
import { fieldProblems, portalOption, withAnswer } from './rules';

const options = (apiHolder: ApiHolder) => {
  const api = apiHolder.get(pulumiAzureOidcApiRef);
  if (!api) throw new Error('The pulumi-azure-oidc API is not installed');
  return api.getOptions();
};

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === '' ||
  (Array.isArray(value) && value.length === 0);

/**
 * A field that sets one input of pulumi:azureOidc:provision and is checked
 * by that input's rule, with the rest of the page's answers: the input is
 * fixed, or named by the template (`ui:options.option`). Empty optional
 * fields are the schema's to require.
 */
const requestField = (
  name: string,
  field: RequestField | ((uiOptions: any) => RequestField | undefined),
  component: (props: FieldExtensionComponentProps<any>) => JSX.Element | null,
) =>
  createFormField({
    name,
    component,
    validation: async (
      value: unknown,
      validation: FieldValidation,
      { apiHolder, formData, uiSchema },
    ) => {
      const input =
        typeof field === 'string' ? field : field(uiSchema?.['ui:options']);
      if (!input || isEmpty(value) || value === false) return;
      const answers = withAnswer(formData ?? {}, input, value);
      for (const problem of fieldProblems(
        input,
        answers,
        await options(apiHolder),
      )) {
        validation.addError(problem);
      }
    },
  });

export const pulumiOrganizationField = requestField(
  'PulumiOrganization',
  'organization',
  PulumiOrganizationField,
);
export const pulumiEscProjectField = requestField(
  'PulumiEscProject',
  'project',
  RuleTextField,
);
export const pulumiEscEnvironmentField = requestField(
  'PulumiEscEnvironment',
  'environment',
  RuleTextField,
);
export const pulumiEscReferenceField = requestField(
  'PulumiEscReference',
  'rootEnvironments',
  RuleTextField,
);
export const azureSubscriptionPickerField = requestField(
  'AzureSubscriptionPicker',
  'subscriptionId',
  AzureSubscriptionPicker,
);
export const azureRoleAssignmentsField = requestField(
  'AzureRoleAssignments',
  'roleAssignments',
  AzureRoleAssignments,
);
export const azureKeyVaultNameField = requestField(
  'AzureKeyVaultName',
  'keyVault.name',
  RuleTextField,
);
export const azureKeyVaultSecretNameField = requestField(
  'AzureKeyVaultSecretName',
  'keyVault.secrets',
  RuleTextField,
);

/** A choice the platform may not offer, checked by the rule of the input it sets. */
export const pulumiPortalOptionField = requestField(
  'PulumiPortalOption',
  uiOptions => portalOption(uiOptions?.option),
  PortalOptionCheckbox,
);

export const pulumiSubjectModeField = createFormField({
  name: 'PulumiSubjectMode',
  component: SubjectModeField,
});

export const pulumiCatalogDestinationField = createFormField({
  name: 'PulumiCatalogDestination',
  component: CatalogDestinationNotice,
});
