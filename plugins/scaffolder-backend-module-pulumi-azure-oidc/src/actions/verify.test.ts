import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { emptyStackState } from '../engine/stackModel';
import { CheckResult } from '../lifecycle/checks';
import { LifecycleStore } from '../lifecycle/lifecycleStore';
import { recordingLogger } from '../__testUtils__/logger';
import { engineMock } from '../__testUtils__/provisioning';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';
import { verifyActionOver } from '../__testUtils__/verification';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ENTITY = escEnvironmentEntityName({
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
});
const broken: CheckResult = {
  ok: false,
  checks: [
    { name: 'stack', status: 'passed', detail: 'the stack holds it' },
    { name: 'Entra exchange', status: 'failed', detail: 'AADSTS700213' },
    { name: 'role assignments', status: 'skipped', detail: 'not run: 403' },
  ],
};

describe('pulumi:azureOidc:verify', () => {
  async function setUp(owner = 'group:default/payments-team') {
    const knex = await databases.init('SQLITE_3');
    const store = await LifecycleStore.create(
      { getClient: async () => knex, migrations: { skip: false } },
      { keep: 5 },
    );
    const engine = engineMock();
    engine.outputs.mockResolvedValue({
      ...emptyStackState(),
      resources: 4,
      owner,
    });
    const verify = jest.fn(async () => broken);
    const stewardship = testStewardship({
      entities: [ownedEntity(ENTITY, owner)],
    });
    const action = verifyActionOver({ engine, verify, stewardship, store });
    return { action, store, verify };
  }
  const run = (action: any, input: object, logger = recordingLogger()) => {
    const ctx = createMockActionContext({ input: input as any, logger });
    return {
      ctx,
      logger,
      done: action.handler(ctx).then(
        () => undefined,
        (e: Error) => e,
      ),
    };
  };

  it('reports each link, keeps the result, and fails the task when something is broken', async () => {
    const { action, store } = await setUp();
    const { ctx, logger, done } = run(action, {
      environment: `resource:default/${ENTITY}`,
    });
    const error = await done;
    expect(error?.name).toBe('VerificationFailedError');
    expect(error?.message).toBe(
      'The trust of acme/payments/prod is broken:\n- failed: Entra exchange: AADSTS700213\n- skipped: role assignments: not run: 403',
    );
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs).toEqual({
      environmentRef: 'acme/payments/prod',
      ok: false,
      status: 'failed',
      checks: broken.checks,
    });
    expect(logger.lines).toEqual([
      'info passed: stack: the stack holds it',
      'warn failed: Entra exchange: AADSTS700213',
      'warn skipped: role assignments: not run: 403',
    ]);
    expect(
      (await store.history('acme/payments/prod', 'verify'))[0],
    ).toMatchObject({ status: 'failed', checks: broken.checks });
  });

  it('only reports, when asked not to fail', async () => {
    const { action } = await setUp();
    const { done } = run(action, {
      environment: 'acme/payments/prod',
      failOnProblem: false,
    });
    await expect(done).resolves.toBeUndefined();
  });

  it('lets only owners and administrators verify', async () => {
    const { action, verify } = await setUp('group:default/billing-team');
    const error = await run(action, { environment: 'acme/payments/prod' }).done;
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error?.message).toMatch(
      /^Cannot verify acme\/payments\/prod: it belongs to group:default\/billing-team/,
    );
    expect(verify).not.toHaveBeenCalled();
  });

  it('says what it cannot find or read', async () => {
    const { action } = await setUp();
    expect(
      await run(action, { environment: 'resource:default/nothing' }).done,
    ).toBeInstanceOf(NotFoundError);
    const wrong = await run(action, { environment: 'component:default/web' })
      .done;
    expect(wrong).toBeInstanceOf(InputError);
    expect(wrong?.message).toBe(
      "environment must be an ESC environment's catalog entity (resource:default/<name>) or organization/project/environment, got 'component:default/web'",
    );
  });
});
