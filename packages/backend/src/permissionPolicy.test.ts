import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  taskCancelPermission,
  taskCreatePermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { escEnvironmentManagePermission } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { PortalPermissionPolicy } from './permissionPolicy';

describe('PortalPermissionPolicy', () => {
  const as = (ownershipEntityRefs: string[]) => {
    const policy = new PortalPermissionPolicy(
      mockServices.userInfo({
        userEntityRef: ownershipEntityRefs[0],
        ownershipEntityRefs,
      }),
      ['group:default/platform-team'],
      ['group:default/esc-admins'],
    );
    const user = {
      credentials: mockCredentials.user(ownershipEntityRefs[0]),
      info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs: [] },
    };
    return (permission: any) => policy.handle({ permission }, user);
  };
  const developer = as(['user:default/guest', 'group:default/payments-team']);
  const admin = as(['user:default/ada', 'group:default/platform-team']);
  const escAdmin = as(['user:default/grace', 'group:default/esc-admins']);
  const ONLY_THE_DEVELOPERS_OWN = {
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
  };

  it.each([
    ['reading the catalog', catalogEntityReadPermission],
    ['registering a location', catalogLocationCreatePermission],
    ['running a template', taskCreatePermission],
  ])('allows %s', async (_, permission) => {
    await expect(developer(permission)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it("limits deleting an entity to the user's own entities", async () => {
    await expect(developer(catalogEntityDeletePermission)).resolves.toEqual(
      ONLY_THE_DEVELOPERS_OWN,
    );
  });

  it("lets an ESC environment's owners, and the golden path's administrators, manage it", async () => {
    await expect(developer(escEnvironmentManagePermission)).resolves.toEqual(
      ONLY_THE_DEVELOPERS_OWN,
    );
    await expect(escAdmin(escEnvironmentManagePermission)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    // The portal's admins administer the catalog, not every team's identity.
    await expect(admin(escEnvironmentManagePermission)).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
    });
  });

  it("lets only a task's creator and the administrators cancel it", async () => {
    await expect(developer(taskCancelPermission)).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/guest'] },
      },
    });
    for (const administrator of [admin, escAdmin]) {
      await expect(administrator(taskCancelPermission)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('keeps removing locations, and all they hold, to admins', async () => {
    await expect(developer(catalogLocationDeletePermission)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(admin(catalogLocationDeletePermission)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(admin(catalogEntityDeletePermission)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('recognises admins listed in another letter case or without namespace', async () => {
    for (const listed of [
      'Group:default/Platform-Team',
      'group:platform-team',
    ]) {
      const policy = new PortalPermissionPolicy(
        mockServices.userInfo({
          userEntityRef: 'user:default/ada',
          ownershipEntityRefs: [
            'user:default/ada',
            'group:default/platform-team',
          ],
        }),
        [listed],
      );
      await expect(
        policy.handle(
          { permission: catalogLocationDeletePermission },
          {
            credentials: mockCredentials.user('user:default/ada'),
            info: {
              userEntityRef: 'user:default/ada',
              ownershipEntityRefs: [],
            },
          },
        ),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('refuses deleting and removing to anonymous callers', async () => {
    const policy = new PortalPermissionPolicy(mockServices.userInfo(), []);
    for (const permission of [
      catalogEntityDeletePermission,
      catalogLocationDeletePermission,
      escEnvironmentManagePermission,
    ]) {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });
});
