/**
 * An environment's health for its entity page, under the scaffolder's base
 * URL: `GET …/environments/<org>/<project>/<env>/status` (the last verify
 * and drift results) for anyone who may see the environment's entity, and
 * `POST …/verify` (a verification now) for those the permission policy
 * lets manage it, and whom stewardship lets act for its owner; and, for
 * lists of environments, `POST …/environments/latest-checks`.
 */
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  EnvironmentStatus,
  escEnvironmentEntityName,
  escEnvironmentManagePermission,
  formatEnvironmentRef,
  LATEST_CHECKS_LIMIT,
  LATEST_CHECKS_PATH,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import {
  EnvironmentTarget,
  parseEnvironmentRef,
} from '../lifecycle/environmentTarget';
import { LifecycleStore } from '../lifecycle/lifecycleStore';
import { Verification } from '../lifecycle/verification';
import { Stewardship } from '../provisioning/stewardship';

export interface EnvironmentRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  stewardship: Stewardship;
  store: LifecycleStore;
  verification: Verification;
}

const PATH =
  '/pulumi-azure-oidc/environments/:organization/:project/:environment';

export function createEnvironmentRouter(
  options: EnvironmentRouterOptions,
): express.Router {
  const { httpAuth, permissions, catalog, stewardship, store, verification } =
    options;
  const router = Router();

  /** The environment of the path, if the user may see its entity. */
  async function visibleTarget(
    request: express.Request,
  ): Promise<EnvironmentTarget> {
    const { organization, project, environment } = request.params;
    const ref = parseEnvironmentRef(
      `${organization}/${project}/${environment}`,
    );
    const credentials = await httpAuth.credentials(request, {
      allow: ['user'],
    });
    const entityName = ref && escEnvironmentEntityName(ref);
    // The catalog's permissions decide who sees it.
    if (
      !ref ||
      !(await catalog.getEntityByRef(`resource:default/${entityName}`, {
        credentials,
      }))
    ) {
      throw new NotFoundError(
        `No ESC environment ${organization}/${project}/${environment} in the catalog`,
      );
    }
    return {
      environment: ref,
      environmentRef: formatEnvironmentRef(ref),
      entityName: entityName!,
    };
  }

  // The body parser on this route only: the router sees every request of
  // the scaffolder's, whose bodies are the scaffolder's to read.
  router.post(
    LATEST_CHECKS_PATH,
    express.json({ limit: '256kb' }),
    async (request, response) => {
      const refs: unknown = request.body?.environmentRefs;
      if (
        !Array.isArray(refs) ||
        refs.length > LATEST_CHECKS_LIMIT ||
        !refs.every(ref => typeof ref === 'string' && parseEnvironmentRef(ref))
      ) {
        throw new InputError(
          `environmentRefs must be at most ${LATEST_CHECKS_LIMIT} references 'organization/project/environment'`,
        );
      }
      const credentials = await httpAuth.credentials(request, {
        allow: ['user'],
      });
      // Only environments whose entity the catalog lets the caller see.
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: refs.map(
            ref =>
              `resource:default/${escEnvironmentEntityName(
                parseEnvironmentRef(ref)!,
              )}`,
          ),
          fields: ['kind'],
        },
        { credentials },
      );
      response.json(
        await store.latest(refs.filter((_, index) => items[index] !== null)),
      );
    },
  );

  router.get(`${PATH}/status`, async (request, response) => {
    const { environmentRef } = await visibleTarget(request);
    const status: EnvironmentStatus = {
      environmentRef,
      verify: await store.history(environmentRef, 'verify', 5),
      drift: await store.history(environmentRef, 'drift'),
    };
    response.json(status);
  });

  router.post(`${PATH}/verify`, async (request, response) => {
    const target = await visibleTarget(request);
    const credentials = await httpAuth.credentials(request, {
      allow: ['user'],
    });
    const [decision] = await permissions.authorize(
      [
        {
          permission: escEnvironmentManagePermission,
          resourceRef: `resource:default/${target.entityName}`,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Cannot verify ${target.environmentRef}: the portal's permission policy does not let you manage it`,
      );
    }
    const requester = await stewardship.requesterFor(credentials);
    response.json(await verification.run({ target, requester }));
  });

  return router;
}
