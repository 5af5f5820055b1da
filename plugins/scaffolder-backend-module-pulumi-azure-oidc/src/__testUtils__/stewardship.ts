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
      options.localCatalogDirectory ?? '/nonexistent/local-catalog',
  });
}

/** The catalog entity of an ESC environment, as far as ownership goes. */
export function ownedEntity(
  name: string,
  owner: string,
  environmentRef = 'acme/payments/prod',
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
      },
    },
    spec: { type: 'pulumi-esc-environment', owner },
  };
}
