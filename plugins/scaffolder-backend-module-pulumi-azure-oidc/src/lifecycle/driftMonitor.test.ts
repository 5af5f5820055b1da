import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { emptyStackState, StackState } from '../engine/stackModel';
import { CatalogWithLocations } from '../__testUtils__/catalog';
import { engineMock, escEnvironmentsMock } from '../__testUtils__/provisioning';
import { CheckResult } from './checks';
import { DriftMonitor } from './driftMonitor';
import { LifecycleStore } from './lifecycleStore';
import { TrustVerifier } from './trustVerifier';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const RENDERED = '# Managed by the portal\nvalues: { azure: {} }\n';
const environments = ['clean', 'roles-gone', 'edited-by-hand', 'broken'];

function entity(environment: string): Entity {
  const ref = { organization: 'acme', project: 'payments', environment };
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: escEnvironmentEntityName(ref),
      annotations: {
        [ESC_ANNOTATIONS.organization]: 'acme',
        [ESC_ANNOTATIONS.project]: 'payments',
        [ESC_ANNOTATIONS.environment]: environment,
      },
    },
    spec: {
      type: 'pulumi-esc-environment',
      owner: 'group:default/payments-team',
    },
  };
}

const stack: StackState = {
  ...emptyStackState(),
  resources: 4,
  identity: {
    clientId: 'client',
    tenantId: 'tenant',
    subscriptionId: 'sub',
    servicePrincipalObjectId: 'sp',
    environmentYaml: RENDERED,
  },
};
const passed: CheckResult = {
  ok: true,
  checks: [{ name: 'stack', status: 'passed', detail: 'fine' }],
};

describe('DriftMonitor', () => {
  async function setUp({ concurrency }: { concurrency?: number } = {}) {
    const knex = await databases.init('SQLITE_3');
    const store = await LifecycleStore.create(
      { getClient: async () => knex, migrations: { skip: false } },
      { keep: 5 },
    );
    const engine = engineMock();
    engine.outputs.mockImplementation(async ({ environment }) => {
      if (environment === 'broken') throw new Error('the CLI could not start');
      return stack;
    });
    let inFlight = 0;
    let mostAtOnce = 0;
    engine.refresh.mockImplementation(async ({ environment }) => {
      inFlight += 1;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      await new Promise(resolve => setTimeout(resolve, 5));
      inFlight -= 1;
      return {
        stackName: environment,
        drift:
          environment === 'roles-gone'
            ? [
                {
                  change: 'gone' as const,
                  resource: {
                    type: 'azure-native:authorization:RoleAssignment',
                    name: 'role-reader',
                    inputs: {
                      scope: '/subscriptions/sub',
                      roleDefinitionId: '/x/roleDefinitions/acdd72a7',
                    },
                  },
                },
              ]
            : [],
      };
    });
    const escEnvironments = escEnvironmentsMock();
    escEnvironments.read.mockImplementation(async ({ environment }) => ({
      yaml:
        environment === 'edited-by-hand' ? 'values: { mine: 1 }\n' : RENDERED,
      etag: 'e1',
    }));
    const verify = jest.fn(async () => passed);
    const options = {
      engine,
      verifier: { verify } as unknown as TrustVerifier,
      store,
      catalog: new CatalogWithLocations(environments.map(entity)),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      escEnvironments,
      concurrency: concurrency ?? 2,
    };
    return {
      monitor: new DriftMonitor(options),
      options,
      store,
      engine,
      escEnvironments,
      verify,
      mostAtOnce: () => mostAtOnce,
    };
  }

  const latest = async (store: LifecycleStore, environment: string) =>
    (await store.history(`acme/payments/${environment}`, 'drift'))[0];

  it('records what drifted in each environment, and changes nothing', async () => {
    const { monitor, store, engine, escEnvironments } = await setUp();
    await expect(monitor.runRound()).resolves.toEqual({
      checked: 4,
      resumed: 0,
      drifted: 2,
      failed: 0,
    });
    expect(await latest(store, 'clean')).toMatchObject({
      status: 'passed',
      drift: [],
    });
    expect(await latest(store, 'roles-gone')).toMatchObject({
      status: 'drifted',
      drift: ['gone: role assignment acdd72a7 on /subscriptions/sub'],
    });
    expect(await latest(store, 'edited-by-hand')).toMatchObject({
      status: 'drifted',
      drift: ["changed: the ESC environment's definition, outside the portal"],
    });
    expect(await latest(store, 'broken')).toMatchObject({
      status: 'incomplete',
      checks: [
        {
          name: 'drift',
          status: 'skipped',
          detail: 'not run: the CLI could not start',
        },
      ],
    });
    expect(engine.apply).not.toHaveBeenCalled();
    expect(engine.destroy).not.toHaveBeenCalled();
    expect(escEnvironments.write).not.toHaveBeenCalled();
    expect(escEnvironments.remove).not.toHaveBeenCalled();
  });

  it('checks no more environments at once than configured', async () => {
    const { monitor, mostAtOnce } = await setUp({ concurrency: 2 });
    await monitor.runRound();
    expect(mostAtOnce()).toBe(2);
  });

  it('resumes a round a restart interrupted where it stopped', async () => {
    const first = await setUp({ concurrency: 1 });
    const controller = new AbortController();
    first.verify.mockImplementationOnce(async () => {
      controller.abort();
      return passed;
    });
    await expect(
      first.monitor.runRound(controller.signal),
    ).resolves.toMatchObject({
      // In order: 'broken', then 'clean', during whose check it stopped.
      checked: 2,
    });

    // Another replica picks the round up.
    const resumed = new DriftMonitor(first.options);
    first.engine.outputs.mockClear();
    await expect(resumed.runRound()).resolves.toMatchObject({
      checked: 2,
      resumed: 2,
    });
    expect(first.engine.outputs).toHaveBeenCalledTimes(2);
    // The round ended: the next starts from the beginning.
    await expect(resumed.runRound()).resolves.toMatchObject({
      checked: 4,
      resumed: 0,
    });
  });
});
