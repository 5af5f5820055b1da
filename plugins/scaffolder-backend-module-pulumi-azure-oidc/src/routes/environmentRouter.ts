/**
 * An environment's health for its entity page, under the scaffolder's base
 * URL: `GET …/environments/<org>/<project>/<env>/status` (the last verify
 * and drift results) for anyone who may see the environment's entity, and
 * `POST …/verify` (a verification now) for its owners and administrators.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  EnvironmentStatus,
  escEnvironmentEntityName,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
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
  const { httpAuth, catalog, stewardship, store, verification } = options;
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
    const requester = await stewardship.requesterFor(
      await httpAuth.credentials(request, { allow: ['user'] }),
    );
    response.json(await verification.run({ target, requester }));
  });

  return router;
}
