/**
 * The drift monitor's own cost per environment, with an engine that
 * answers at once: what a round adds to the CLI-and-providers cost of
 * checking each real stack. Database queries are counted on SQLite in
 * memory, as the embedded defaults run it.
 */
import {
  DriftMonitor,
  emptyStackState,
  EnvironmentEngine,
  LifecycleStore,
  TrustVerifier,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { knex } from 'knex';
import { performance } from 'node:perf_hooks';

export async function driftRoundCost(environments: number) {
  const db = knex({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let queries = 0;
  db.on('query', () => {
    queries += 1;
  });
  const store = await LifecycleStore.create(
    { getClient: async () => db, migrations: { skip: false } },
    { keep: 20 },
  );
  const entities = Array.from({ length: environments }, (_, i) => {
    const environment = `env-${i}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: escEnvironmentEntityName({
          organization: 'acme',
          project: 'bench',
          environment,
        }),
        annotations: {
          [ESC_ANNOTATIONS.organization]: 'acme',
          [ESC_ANNOTATIONS.project]: 'bench',
          [ESC_ANNOTATIONS.environment]: environment,
        },
      },
      spec: { type: 'pulumi-esc-environment', owner: 'group:default/team' },
    };
  });
  const state = { ...emptyStackState(), resources: 5 };
  const engine = {
    outputs: async () => state,
    refresh: async () => ({ stackName: 'bench', drift: [] }),
  } as unknown as EnvironmentEngine;
  const monitor = new DriftMonitor({
    engine,
    verifier: {
      verify: async () => ({ ok: true, checks: [] }),
    } as unknown as TrustVerifier,
    store,
    catalog: {
      getEntities: async () => ({ items: entities }),
    } as unknown as CatalogService,
    auth: {
      getOwnServiceCredentials: async () => ({}),
    } as unknown as AuthService,
    logger: { info() {}, warn() {} } as unknown as LoggerService,
    concurrency: 4,
  });
  queries = 0;
  const started = performance.now();
  await monitor.runRound();
  const elapsed = performance.now() - started;
  await db.destroy();
  return {
    millisecondsPerEnvironment: elapsed / environments,
    queriesPerEnvironment: queries / environments,
  };
}
