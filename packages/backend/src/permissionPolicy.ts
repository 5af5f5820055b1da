import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityDeletePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { taskCancelPermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  escEnvironmentManagePermission,
  identifyRequester,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/**
 * The portal's permission policy.
 *
 * Anyone signed in may browse the catalog, register locations and run
 * templates. An entity, such as an ESC environment, records who answers for
 * an Azure identity, so only its owners may delete it, and only its owners
 * and the golden path's administrators may manage an ESC environment from
 * its page (as stewardship lets them act on it). Removing a location
 * removes everything it holds, so only the portal's admins may do that, and
 * with it unregister entities.
 *
 * Cancelling a task can leave half an identity behind, so only the task's
 * creator and the administrators (the portal's and the golden path's) may.
 * The environment's owners are not among them: a scaffolder task rule sees
 * only the task record, whose `owner` parameter is whatever the requester
 * typed, not the owner the catalog and the stack record.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    /** Entity references of the groups (or users) that administer the portal. */
    private readonly admins: string[],
    /** `pulumiAzureOidc.administrators`: who acts for every environment's owner. */
    private readonly goldenPathAdmins: string[] = [],
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const managesEnvironment = isPermission(
      request.permission,
      escEnvironmentManagePermission,
    );
    const cancelsTask = isPermission(request.permission, taskCancelPermission);
    const guarded =
      managesEnvironment ||
      cancelsTask ||
      isPermission(request.permission, catalogEntityDeletePermission) ||
      isPermission(request.permission, catalogLocationDeletePermission);
    if (!guarded) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const info = await this.userInfo.getUserInfo(user.credentials);
    // Matched as the golden path matches its administrators: by reference,
    // whatever the letter case.
    const admins = managesEnvironment ? this.goldenPathAdmins : this.admins;
    if (
      identifyRequester(info, admins).administrator ||
      (cancelsTask &&
        identifyRequester(info, this.goldenPathAdmins).administrator)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (cancelsTask) {
      return createScaffolderTaskConditionalDecision(
        taskCancelPermission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [info.userEntityRef],
        }),
      );
    }
    const { ownershipEntityRefs } = info;
    if (
      isPermission(request.permission, catalogEntityDeletePermission) ||
      isPermission(request.permission, escEnvironmentManagePermission)
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}

export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        policy.setPolicy(
          new PortalPermissionPolicy(
            userInfo,
            config.getOptionalStringArray('portal.admins') ?? [],
            config.getOptionalStringArray('pulumiAzureOidc.administrators') ??
              [],
          ),
        );
      },
    });
  },
});
