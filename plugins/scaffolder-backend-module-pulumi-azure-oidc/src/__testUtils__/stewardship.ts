import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ESC_ANNOTATIONS } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Stewardship } from '../provisioning/stewardship';

/** The user tasks run for in tests: Ada, of the payments team. */
export const ADA = {
  userEntityRef: 'user:default/ada',
  ownershipEntityRefs: ['user:default/ada', 'group:default/payments-team'],
};

const DEFAULT_LOCAL_CATALOG = '/nonexistent/local-catalog';

/** Stewardship over an in-memory catalog, for tasks Ada runs. */
export function testStewardship(
  options: {
    entities?: Entity[];
    administrators?: string[];
    localCatalogDirectory?: string;
  } = {},
): Stewardship {
  return new Stewardship({
    userInfo: mockServices.userInfo(ADA),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: options.entities }),
    administrators: options.administrators ?? [],
    localCatalogDirectory:
      options.localCatalogDirectory ?? DEFAULT_LOCAL_CATALOG,
  });
}

/** The catalog entity of an ESC environment, as far as ownership goes. */
export function ownedEntity(
  name: string,
  owner: string,
  environmentRef = 'acme/payments/prod',
  /** Where it was registered from: by default the portal's own directory. */
  location = `file:${DEFAULT_LOCAL_CATALOG}/${name}/catalog-info.yaml`,
): Entity {
  const [organization, project, environment] = environmentRef.split('/');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ESC_ANNOTATIONS.organization]: organization,
        [ESC_ANNOTATIONS.project]: project,
        [ESC_ANNOTATIONS.environment]: environment,
        'backstage.io/managed-by-location': location,
      },
    },
    spec: { type: 'pulumi-esc-environment', owner },
  };
}
