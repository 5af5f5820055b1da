import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import CloudIcon from '@material-ui/icons/CloudQueue';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { ESC_ENVIRONMENT_ENTITY_TYPE } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { PulumiAzureOidcClient, pulumiAzureOidcApiRef } from './api';
import { environmentsRouteRef, taskRouteRef, templateRouteRef } from './routes';

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pulumiAzureOidcApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new PulumiAzureOidcClient(deps),
    }),
});

type FieldExports = typeof import('./fields/fields');

/** One scaffolder form field per export of ./fields/fields, loaded on demand. */
const formField = (name: string, exported: keyof FieldExports) =>
  FormFieldBlueprint.make({
    name,
    params: { field: () => import('./fields/fields').then(m => m[exported]) },
  });

const escEnvironmentCard = EntityCardBlueprint.make({
  name: 'esc-environment',
  params: {
    filter: entity =>
      entity.kind === 'Resource' &&
      entity.spec?.type === ESC_ENVIRONMENT_ENTITY_TYPE,
    loader: () =>
      import('./EscEnvironmentCard').then(m => <m.EscEnvironmentCard />),
  },
});

/** The landing page: the ESC environments, the user's own first. */
const environmentsPage = PageBlueprint.make({
  params: {
    path: '/',
    routeRef: environmentsRouteRef,
    title: 'ESC environments',
    icon: <CloudIcon fontSize="inherit" />,
    loader: () =>
      import('./EnvironmentsPage').then(m => <m.EnvironmentsPage />),
  },
});

/**
 * The environments page, template fields that apply the golden path's
 * rules, and the ESC environment card.
 */
export default createFrontendPlugin({
  pluginId: 'pulumi-azure-oidc',
  routes: { environments: environmentsRouteRef },
  externalRoutes: {
    template: templateRouteRef,
    task: taskRouteRef,
  },
  extensions: [
    api,
    environmentsPage,
    formField('pulumi-organization', 'pulumiOrganizationField'),
    formField('pulumi-esc-project', 'pulumiEscProjectField'),
    formField('pulumi-esc-environment', 'pulumiEscEnvironmentField'),
    formField('pulumi-esc-reference', 'pulumiEscReferenceField'),
    formField('azure-subscription-picker', 'azureSubscriptionPickerField'),
    formField('azure-role-assignments', 'azureRoleAssignmentsField'),
    formField('azure-key-vault-name', 'azureKeyVaultNameField'),
    formField('azure-key-vault-secret-name', 'azureKeyVaultSecretNameField'),
    formField('pulumi-portal-option', 'pulumiPortalOptionField'),
    formField('pulumi-subject-mode', 'pulumiSubjectModeField'),
    formField('pulumi-catalog-destination', 'pulumiCatalogDestinationField'),
    escEnvironmentCard,
  ],
});
