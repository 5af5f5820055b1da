/**
 * Who runs a task, and who owns what it is about to change: the backend's
 * side of the stewardship rules, for the actions to check before they act.
 */
import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  identifyRequester,
  Requester,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogService } from '@backstage/plugin-catalog-node';

export interface StewardshipOptions {
  userInfo: UserInfoService;
  auth: AuthService;
  catalog: CatalogService;
  /** `pulumiAzureOidc.administrators`: users and groups who act for everyone. */
  administrators: string[];
}

export class Stewardship {
  constructor(private readonly options: StewardshipOptions) {}

  /** The signed-in user a task runs for; tasks started by services have none. */
  async requester(ctx: {
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  }): Promise<Requester> {
    const credentials = await ctx.getInitiatorCredentials();
    if (!this.options.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'This action changes what a team owns, so it runs only for a signed-in user; this task was started by a service.',
      );
    }
    const user = await this.options.userInfo.getUserInfo(credentials);
    return identifyRequester(user, this.options.administrators);
  }

  /**
   * The owner the catalog records for an entity, whoever may see it: read
   * with the module's own credentials so that permissions cannot hide it.
   */
  async catalogOwner(entityRef: string): Promise<string | undefined> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    const owner = entity?.spec?.owner;
    return typeof owner === 'string' ? owner : undefined;
  }
}
