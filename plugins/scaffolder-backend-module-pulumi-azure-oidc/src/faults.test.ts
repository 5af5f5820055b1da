/**
 * Faults that converge: the template's three steps (provision with the ESC
 * environment, render, publish) over a small world of stand-ins (a stack,
 * Pulumi Cloud's environments, the catalog), with one fault injected into
 * the first run. Each first run ends with a clear error, leaves no lease,
 * and never leaves the catalog pointing at an environment that was not
 * provisioned; running the template again converges on one environment,
 * with each of its resources once.
 */
import {
  createMockDirectory,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  portalWrote,
  renderEnvironmentYaml,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createPulumiAzureOidcPublishAction } from './actions/publish';
import { createPulumiAzureOidcWriteCatalogInfoAction } from './actions/writeCatalogInfo';
import { LocalDestination } from './catalogDestinations/localDestination';
import { EnvironmentLocks } from './coordination/environmentLocks';
import { moduleDatabase } from './database';
import {
  EngineCancelledError,
  EngineFailedError,
  StackLockedError,
} from './engine/engine';
import { emptyStackState, StackState } from './engine/stackModel';
import { EscEnvironments } from './pulumiCloud/escEnvironments';
import { canaryConfig } from './__testUtils__/canaries';
import { TENANT } from './__testUtils__/plans';
import {
  engineMock,
  escEnvironmentsMock,
  outcomeOf,
  persistentCheckpoints,
  provisionAction,
  testSettings,
} from './__testUtils__/provisioning';
import { ADA, testStewardship } from './__testUtils__/stewardship';

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

jest.setTimeout(60_000);

const ENVIRONMENT = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
};
const FULL_STACK = 5;

type Fault =
  | 'update fails half-way'
  | 'stack locked by another update'
  | 'cancelled mid-update'
  | 'ESC write fails after the trust exists'
  | 'catalog registration fails after everything else';

/** The stand-ins, and the one fault the next run meets. */
function world(fault: Fault | undefined) {
  let pending = fault;
  const take = (which: Fault) => {
    if (pending !== which) return false;
    pending = undefined;
    return true;
  };
  let stack: StackState = emptyStackState();
  /** Every resource the stack created, by logical name, as many times as created. */
  const created: string[] = [];
  const createUpTo = (count: number, owner: string) => {
    const names = [
      'application',
      'service-principal',
      'credential',
      'role-reader',
      'owner-tag',
    ];
    for (const name of names.slice(stack.resources, count)) created.push(name);
    stack = {
      ...emptyStackState(),
      resources: Math.max(stack.resources, count),
      owner,
      environmentRef: 'acme/payments/prod',
    };
  };

  const engine = engineMock();
  engine.outputs.mockImplementation(async () => stack);
  engine.apply.mockImplementation(async (plan, { authorize }) => {
    if (take('stack locked by another update')) {
      throw new StackLockedError(ENVIRONMENT, 'acme.payments.prod');
    }
    authorize(stack);
    if (take('update fails half-way')) {
      createUpTo(2, plan.owner);
      throw new EngineFailedError('The update failed', [
        'azure-native:authorization:RoleAssignment: 429 Too Many Requests',
      ]);
    }
    if (take('cancelled mid-update')) {
      createUpTo(3, plan.owner);
      throw new EngineCancelledError(ENVIRONMENT);
    }
    createUpTo(FULL_STACK, plan.owner);
    const outcome = outcomeOf(plan);
    outcome.outputs.environmentYaml = renderEnvironmentYaml({
      clientId: outcome.outputs.clientId,
      tenantId: TENANT,
      subscriptionId: plan.subscriptionId,
    });
    return outcome;
  });

  const definitions = new Map<string, string>();
  const escEnvironments: jest.Mocked<EscEnvironments> = escEnvironmentsMock();
  escEnvironments.read.mockImplementation(async () => {
    const yaml = definitions.get('acme/payments/prod');
    return yaml === undefined ? undefined : { yaml, etag: 'e' };
  });
  escEnvironments.write.mockImplementation(async (_, yaml, current) => {
    if (take('ESC write fails after the trust exists')) {
      throw new Error(
        'Pulumi Cloud (https://api.pulumi.com) answered 503 while writing the ESC environment acme/payments/prod',
      );
    }
    definitions.set('acme/payments/prod', yaml);
    return current ? 'updated' : 'created';
  });

  const locations: string[] = [];
  const catalog = catalogServiceMock.mock({
    addLocation: async location => {
      if (take('catalog registration fails after everything else')) {
        throw new Error(
          'The catalog answered 503 while registering a location',
        );
      }
      locations.push(location.target);
      return {
        location: {
          id: 'l',
          type: location.type ?? 'url',
          target: location.target,
          entityRef: 'location:default/l',
        },
        entities: [],
      };
    },
  });
  return {
    engine,
    escEnvironments,
    catalog,
    state: () => ({ stack, created, definitions, locations }),
  };
}

describe('faults that converge', () => {
  const data = createMockDirectory();
  const workspace = createMockDirectory();
  const catalogDirectory = createMockDirectory();
  const settings = testSettings(data.path, canaryConfig);

  /** The template's steps, as the scaffolder runs them: the first failure stops the run. */
  async function runTemplate(
    stand: ReturnType<typeof world>,
    locks: EnvironmentLocks,
  ): Promise<string | undefined> {
    workspace.clear();
    const stewardship = testStewardship({
      localCatalogDirectory: catalogDirectory.path,
    });
    const context = (input: object) =>
      createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
        task: { id: 'task-1' },
      });
    try {
      const provision = context({
        project: 'payments',
        environment: 'prod',
        roleAssignments: [{ role: 'Reader', scope: 'rg-payments' }],
        createEscEnvironment: true,
      });
      await provisionAction(settings, {
        engine: stand.engine,
        escEnvironments: stand.escEnvironments,
        stewardship,
        locks,
      }).handler(provision);
      const outputs = Object.fromEntries(
        (provision.output as jest.Mock).mock.calls,
      );
      await createPulumiAzureOidcWriteCatalogInfoAction().handler(
        context({ provision: outputs, owner: outputs.owner }),
      );
      await createPulumiAzureOidcPublishAction({
        destination: new LocalDestination(catalogDirectory.path),
        catalog: stand.catalog,
        auth: mockServices.auth(),
        stewardship,
      }).handler(context({}));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  it.each<[Fault, RegExp]>([
    [
      'update fails half-way',
      /^Provisioning .*failed:\n- azure-native:authorization:RoleAssignment: 429/s,
    ],
    ['stack locked by another update', /is being changed by another run/],
    [
      'cancelled mid-update',
      /was cancelled\. Resources changed so far are kept/,
    ],
    [
      'ESC write fails after the trust exists',
      /answered 503 while writing the ESC environment/,
    ],
    [
      'catalog registration fails after everything else',
      /answered 503 while registering a location/,
    ],
  ])('%s: a clear error, then a run that converges', async (fault, error) => {
    catalogDirectory.clear();
    const knex = await databases.init('SQLITE_3');
    const db = await moduleDatabase({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    const locks = new EnvironmentLocks(db, {
      leaseMs: 5_000,
      waitMs: 1_000,
      pollMs: 20,
    });
    const stand = world(fault);

    expect(await runTemplate(stand, locks)).toMatch(error);
    const afterFault = stand.state();
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);
    // The catalog never shows an environment that was not provisioned.
    const shown = afterFault.locations.length > 0;
    const provisioned =
      afterFault.stack.resources === FULL_STACK &&
      afterFault.definitions.has('acme/payments/prod');
    expect(!shown || provisioned).toBe(true);

    expect(await runTemplate(stand, locks)).toBeUndefined();
    const converged = stand.state();
    expect(converged.stack).toMatchObject({
      resources: FULL_STACK,
      owner: ADA.userEntityRef,
      environmentRef: 'acme/payments/prod',
    });
    // Each resource created once, whatever the first run left.
    expect(new Set(converged.created).size).toBe(converged.created.length);
    expect(converged.created).toHaveLength(FULL_STACK);
    expect(portalWrote(converged.definitions.get('acme/payments/prod')!)).toBe(
      true,
    );
    expect(converged.locations).toHaveLength(1);
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);
  });

  it('a task retried after the backend restarted reuses the finished update', async () => {
    const stand = world(undefined);
    const { checkpoint } = persistentCheckpoints();
    const run = () =>
      provisionAction(settings, {
        engine: stand.engine,
        escEnvironments: stand.escEnvironments,
        stewardship: testStewardship(),
      }).handler({
        ...createMockActionContext({
          input: {
            project: 'payments',
            environment: 'prod',
            roleAssignments: [{ role: 'Reader', scope: 'rg-payments' }],
          } as any,
        }),
        checkpoint,
      } as any);
    await run();
    // The restart: the task runs again from its first step.
    await run();
    expect(stand.engine.apply).toHaveBeenCalledTimes(1);
    expect(stand.state().created).toHaveLength(FULL_STACK);
  });
});
