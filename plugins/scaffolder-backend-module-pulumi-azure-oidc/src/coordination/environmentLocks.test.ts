import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { moduleDatabase } from '../database';
import { EnvironmentLocks, LockSettings } from './environmentLocks';

// CI's PostgreSQL, when it is there, besides SQLite.
const postgres = process.env.PORTAL_TEST_POSTGRES_URL;
if (postgres) {
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??= postgres;
}
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

jest.setTimeout(60_000);

const ENVIRONMENT = 'acme/payments/prod';
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.each(databases.eachSupportedId())('EnvironmentLocks on %s', id => {
  /** Two replicas' locks over one database. */
  async function replicas(settings: Partial<LockSettings> = {}) {
    const knex = await databases.init(id);
    const db = await moduleDatabase({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    const options = { leaseMs: 5_000, waitMs: 5_000, pollMs: 20, ...settings };
    return {
      knex,
      first: new EnvironmentLocks(db, options),
      second: new EnvironmentLocks(db, options),
    };
  }
  const logOf = () => {
    const lines: string[] = [];
    return { lines, log: { info: (line: string) => lines.push(line) } };
  };

  it('runs two changes of one environment one after the other, and tells the second whom it waits for', async () => {
    const { first, second } = await replicas();
    const timeline: string[] = [];
    const change = (name: string, ms: number) => async () => {
      timeline.push(`${name} starts`);
      await wait(ms);
      timeline.push(`${name} ends`);
      return name;
    };
    const waiting = logOf();
    const a = first.withLock(
      ENVIRONMENT,
      { heldFor: 'task 1 of user:default/ada', log: logOf().log },
      change('a', 300),
    );
    await wait(50);
    const b = second.withLock(
      // Another spelling of the same environment shares its stack.
      'acme/Payments/prod',
      { heldFor: 'task 2 of user:default/bob', log: waiting.log },
      change('b', 10),
    );
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(timeline).toEqual(['a starts', 'a ends', 'b starts', 'b ends']);
    expect(waiting.lines[0]).toBe(
      'Waiting for task 1 of user:default/ada to finish changing acme/Payments/prod',
    );
    expect(waiting.lines[1]).toMatch(
      /^Changing acme\/Payments\/prod now, after waiting \d+ s$/,
    );
  });

  it('lets changes of different environments run at once', async () => {
    const { first, second } = await replicas();
    let running = 0;
    let together = 0;
    const change = async () => {
      running += 1;
      together = Math.max(together, running);
      await wait(100);
      running -= 1;
    };
    await Promise.all([
      first.withLock(ENVIRONMENT, { heldFor: 'a', log: logOf().log }, change),
      second.withLock(
        'acme/payments/dev',
        { heldFor: 'b', log: logOf().log },
        change,
      ),
    ]);
    expect(together).toBe(2);
  });

  it('gives up after the configured wait, having changed nothing', async () => {
    const { first, second } = await replicas({ waitMs: 200 });
    const holding = first.withLock(
      ENVIRONMENT,
      { heldFor: 'task 1 of user:default/ada', log: logOf().log },
      () => wait(600),
    );
    await wait(30);
    const change = jest.fn();
    const refused = second.withLock(
      ENVIRONMENT,
      { heldFor: 'task 2', log: logOf().log },
      change,
    );
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(
      /^Cannot change acme\/payments\/prod now: task 1 of user:default\/ada is changing it, and this task waited \d+ s \(pulumiAzureOidc\.locks\.waitSeconds\)\. Nothing was changed; run it again once that task has finished\.$/,
    );
    expect(change).not.toHaveBeenCalled();
    await holding;
  });

  it('keeps the lease while a change outlasts it, by renewing it', async () => {
    const { first, second } = await replicas({ leaseMs: 150, waitMs: 3_000 });
    const timeline: string[] = [];
    const a = first.withLock(
      ENVIRONMENT,
      { heldFor: 'a', log: logOf().log },
      async () => {
        timeline.push('a starts');
        await wait(600);
        timeline.push('a ends');
      },
    );
    await wait(30);
    await second.withLock(
      ENVIRONMENT,
      { heldFor: 'b', log: logOf().log },
      async () => {
        timeline.push('b starts');
      },
    );
    await a;
    expect(timeline).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('takes over the lease of a replica that died, once it expires', async () => {
    const { knex, second } = await replicas();
    // What a replica killed mid-change leaves: a lease nobody renews.
    await knex('pulumi_azure_oidc_environment_locks').insert({
      environment_key: ENVIRONMENT,
      holder: 'dead-replica',
      held_for: 'task 1 of user:default/ada',
      expires_at: Date.now() - 1,
    });
    const taking = logOf();
    await expect(
      second.withLock(
        ENVIRONMENT,
        { heldFor: 'b', log: taking.log },
        async lease => lease,
      ),
    ).resolves.toEqual({ stoppedRun: 'task 1 of user:default/ada' });
    // The engine is told whose run stopped; the task's log says so too.
    expect(taking.lines).toEqual([
      'The lease on acme/payments/prod expired while held for task 1 of user:default/ada, which stopped without finishing (its replica no longer renews it): taking it over',
    ]);
    // A lease let go is no stopped run's.
    await expect(
      second.withLock(
        ENVIRONMENT,
        { heldFor: 'c', log: logOf().log },
        async lease => lease,
      ),
    ).resolves.toEqual({});
  });

  it('lets go when the change fails or is cancelled, and leaves no lease behind', async () => {
    const { knex, first } = await replicas();
    await expect(
      first.withLock(
        ENVIRONMENT,
        { heldFor: 'a', log: logOf().log },
        async () => {
          throw new Error('the update failed half-way');
        },
      ),
    ).rejects.toThrow('the update failed half-way');
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);

    // Cancelled while waiting: it gives up at once.
    const holding = first.withLock(
      ENVIRONMENT,
      { heldFor: 'a', log: logOf().log },
      () => wait(300),
    );
    await wait(30);
    const controller = new AbortController();
    const waiting = first.withLock(
      ENVIRONMENT,
      { heldFor: 'b', log: logOf().log, signal: controller.signal },
      async () => 'ran',
    );
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await holding;
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);
  });
});
