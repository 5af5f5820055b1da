import { ApiHolder } from '@backstage/frontend-plugin-api';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { FieldValidation } from '@rjsf/utils';
import { pulumiAzureOidcApiRef } from '../api';
import {
  AzureRoleAssignments,
  AzureSubscriptionPicker,
  PortalOptionCheckbox,
  PulumiOrganizationField,
  RoleAssignmentRow,
  RuleTextField,
} from './components';
import { SubjectModeField } from './SubjectModeField';
import {
  organizationProblem,
  portalOptionRule,
  roleAssignmentProblems,
  subscriptionProblem,
  TextRule,
  textRules,
} from './rules';

const report = (validation: FieldValidation, problem: string | undefined) => {
  if (problem) validation.addError(problem);
};

const options = (apiHolder: ApiHolder) => {
  const api = apiHolder.get(pulumiAzureOidcApiRef);
  if (!api) throw new Error('The pulumi-azure-oidc API is not installed');
  return api.getOptions();
};

/**
 * A text field checked by one of the naming rules. As the items of an array,
 * the form validates the whole array at once: each item is checked, and
 * named by the items' title and position.
 */
const ruleField = (name: string, rule: TextRule) =>
  createFormField({
    name,
    component: RuleTextField,
    validation: (value: string | string[], validation, { schema }) => {
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          const problem = textRules[rule](item ?? '');
          if (problem)
            validation.addError(
              `${schema.title ?? 'Item'} ${index + 1} ${problem}`,
            );
        });
      } else if (value) {
        report(validation, textRules[rule](value));
      }
    },
  });

export const pulumiEscNameField = ruleField('PulumiEscName', 'escName');
export const pulumiEscReferenceField = ruleField(
  'PulumiEscReference',
  'environmentReference',
);
export const azureKeyVaultNameField = ruleField(
  'AzureKeyVaultName',
  'keyVaultName',
);
export const azureKeyVaultSecretNameField = ruleField(
  'AzureKeyVaultSecretName',
  'keyVaultSecretName',
);

export const pulumiOrganizationField = createFormField({
  name: 'PulumiOrganization',
  component: PulumiOrganizationField,
  validation: async (value: string, validation, { apiHolder }) => {
    if (value)
      report(validation, organizationProblem(value, await options(apiHolder)));
  },
});

export const azureSubscriptionPickerField = createFormField({
  name: 'AzureSubscriptionPicker',
  component: AzureSubscriptionPicker,
  validation: async (value: string, validation, { apiHolder }) => {
    if (value)
      report(validation, subscriptionProblem(value, await options(apiHolder)));
  },
});

export const azureRoleAssignmentsField = createFormField({
  name: 'AzureRoleAssignments',
  component: AzureRoleAssignments,
  validation: async (
    value: RoleAssignmentRow[],
    validation,
    { apiHolder, formData },
  ) => {
    const problems = roleAssignmentProblems(
      value ?? [],
      formData.subscriptionId as string | undefined,
      await options(apiHolder),
    );
    problems.forEach(problem => validation.addError(problem));
  },
});

export const pulumiPortalOptionField = createFormField({
  name: 'PulumiPortalOption',
  component: PortalOptionCheckbox,
  validation: async (
    value: boolean,
    validation,
    { apiHolder, formData, uiSchema },
  ) => {
    const rule = portalOptionRule(uiSchema?.['ui:options']?.option);
    if (value && rule) {
      report(validation, rule(await options(apiHolder), formData));
    }
  },
});

export const pulumiSubjectModeField = createFormField({
  name: 'PulumiSubjectMode',
  component: SubjectModeField,
});
