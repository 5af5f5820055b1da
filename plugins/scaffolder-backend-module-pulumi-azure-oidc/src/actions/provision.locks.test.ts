/**
 * Two runs of one environment, as two replicas would start them: the
 * second's ownership check and update wait for the first's last write, so
 * the owner the first recorded is the one the second is checked against.
 */
import {
  createMockDirectory,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { EnvironmentLocks } from '../coordination/environmentLocks';
import { moduleDatabase } from '../database';
import { emptyStackState, StackState } from '../engine/stackModel';
import { canaryConfig } from '../__testUtils__/canaries';
import { recordingLogger } from '../__testUtils__/logger';
import {
  engineMock,
  outcomeOf,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';
import { testStewardship } from '../__testUtils__/stewardship';

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

jest.setTimeout(30_000);

const input = {
  project: 'payments',
  environment: 'prod',
  roleAssignments: [{ role: 'Reader' }],
};

describe('pulumi:azureOidc:provision across replicas', () => {
  const dir = createMockDirectory();
  const settings = testSettings(dir.path, canaryConfig);

  it("checks the second run's owner against what the first recorded, once the first has finished", async () => {
    const knex = await databases.init('SQLITE_3');
    const db = await moduleDatabase({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    const lockSettings = { leaseMs: 5_000, waitMs: 10_000, pollMs: 20 };

    // One stack both replicas' engines see, as remote state is.
    let stack: StackState = emptyStackState();
    const timeline: string[] = [];
    const engine = engineMock();
    engine.outputs.mockImplementation(async () => {
      timeline.push(`read owner ${stack.owner ?? 'none'}`);
      return stack;
    });
    engine.apply.mockImplementation(async (plan, { authorize }) => {
      authorize(stack);
      timeline.push(`apply for ${plan.owner} starts`);
      await new Promise(resolve => setTimeout(resolve, 300));
      stack = {
        ...emptyStackState(),
        resources: 4,
        owner: plan.owner,
        environmentRef: plan.environmentRef,
      };
      timeline.push(`apply for ${plan.owner} ends`);
      return outcomeOf(plan);
    });

    const run = (owner: string, administrators: string[] = []) => {
      const logger = recordingLogger();
      const action = provisionAction(settings, {
        engine,
        stewardship: testStewardship({ administrators }),
        locks: new EnvironmentLocks(db, lockSettings),
      });
      const ctx = createMockActionContext({
        input: { ...input, owner } as any,
        logger,
      });
      return { logger, done: action.handler(ctx) };
    };

    // Ada, as an administrator, hands the new environment to billing; Ada's
    // second run, as a payments member only, wants it for payments.
    const first = run('group:default/billing-team', ['user:default/ada']);
    await new Promise(resolve => setTimeout(resolve, 50));
    const second = run('group:default/payments-team');

    await expect(first.done).resolves.toBeUndefined();
    await expect(second.done).rejects.toThrow(
      'Cannot provision acme/payments/prod: it belongs to group:default/billing-team',
    );
    expect(timeline).toEqual([
      'read owner none',
      'apply for group:default/billing-team starts',
      'apply for group:default/billing-team ends',
      'read owner group:default/billing-team',
    ]);
    expect(second.logger.lines).toContain(
      'info Waiting for a provision run by user:default/ada to finish changing acme/payments/prod',
    );
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);
  });
});
