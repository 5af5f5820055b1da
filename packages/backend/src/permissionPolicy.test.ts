import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { taskCreatePermission } from '@backstage/plugin-scaffolder-common/alpha';
import { PortalPermissionPolicy } from './permissionPolicy';

describe('PortalPermissionPolicy', () => {
  const userInfo = mockServices.userInfo({
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments-team'],
  });
  const policy = new PortalPermissionPolicy(userInfo);
  const user = {
    credentials: mockCredentials.user('user:default/guest'),
    info: { userEntityRef: 'user:default/guest', ownershipEntityRefs: [] },
  };

  it.each([
    ['reading the catalog', catalogEntityReadPermission],
    ['running a template', taskCreatePermission],
  ])('allows %s', async (_, permission) => {
    await expect(policy.handle({ permission }, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it("limits unregistering an entity to the user's own entities", async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, user),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/guest', 'group:default/payments-team'],
        },
      },
    });
  });

  it('refuses unregistering to anonymous callers', async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});
