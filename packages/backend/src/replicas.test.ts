/**
 * Two portal backends sharing one PostgreSQL, as two replicas behind a load
 * balancer: each runs the tasks its scaffolder takes from the shared task
 * table, over one stand-in engine whose stacks both see, as remote state
 * is. Tasks are submitted at once, half to each replica; the test records
 * which replica ran each change and checks that changes of one environment
 * took turns, that everything ran once, and that stacks and catalog agree.
 *
 * Both backends run in this process, so a replica cannot be killed here:
 * a lease left by a dead replica is tested with EnvironmentLocks.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EnvironmentEngine } from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import {
  answers,
  runTemplate,
  stacks,
  standIn,
  startGoldenPathPortal,
  template,
} from './__testUtils__/goldenPath';
import { eventually } from './__testUtils__/portalBackend';
import {
  POSTGRES_URL,
  postgresSuiteTitle,
  testPostgres,
} from './__testUtils__/postgres';

const title = postgresSuiteTitle('two replicas on one PostgreSQL');

jest.setTimeout(300_000);

type Change = {
  replica: string;
  kind: 'apply' | 'destroy';
  environmentRef: string;
  start: number;
  end?: number;
};

/**
 * One replica's view of the shared stand-in: every change it runs is
 * recorded, and takes a while, as a real update does, so that changes that
 * did not take turns would overlap.
 */
function replicaEngine(replica: string, changes: Change[]): EnvironmentEngine {
  const recorded = async <T>(
    kind: Change['kind'],
    environmentRef: string,
    run: () => Promise<T>,
  ) => {
    const change: Change = {
      replica,
      kind,
      environmentRef,
      start: Date.now(),
    };
    changes.push(change);
    await new Promise(resolve => setTimeout(resolve, 1000));
    try {
      return await run();
    } finally {
      change.end = Date.now();
    }
  };
  return {
    ...standIn,
    apply: (plan, options) =>
      recorded('apply', plan.environmentRef, () =>
        standIn.apply(plan, options),
      ),
    destroy: (environment, options) =>
      recorded(
        'destroy',
        `${environment.organization}/${environment.project}/${environment.environment}`,
        () => standIn.destroy(environment, options),
      ),
  };
}

const environmentAnswers = (index: number) => ({
  ...answers,
  environment: `env-${index}`,
  system: undefined,
  description: `Environment ${index}`,
});
const entityName = (index: number) =>
  escEnvironmentEntityName({
    organization: 'acme',
    project: 'payments',
    environment: `env-${index}`,
  });

(POSTGRES_URL ? describe : describe.skip)(title, () => {
  const data = createMockDirectory();
  const postgres = testPostgres();
  const changes: Change[] = [];
  let replicas: Array<Awaited<ReturnType<typeof startGoldenPathPortal>>>;

  beforeAll(async () => {
    const config = {
      backend: { database: postgres.database() },
      // Few tasks at once per replica, so that both take their share.
      scaffolder: { concurrentTasksLimit: 3 },
      pulumiAzureOidc: {
        replicas: 2,
        // Remote state, as two replicas need; the stand-in keeps it.
        state: { backendUrl: 'azblob://state', passphrase: 'not-secret' },
        locks: { waitSeconds: 120 },
      },
    };
    replicas = [];
    for (const name of ['A', 'B']) {
      replicas.push(
        await startGoldenPathPortal(
          data.path,
          config,
          replicaEngine(name, changes),
        ),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await postgres.drop();
  });

  it('runs every task once, one change per environment at a time, and ends where stacks and catalog agree', async () => {
    const [a, b] = replicas;
    // Five environments to decommission during the burst, provisioned
    // through both replicas, whose signing keys the other then knows.
    for (let index = 10; index < 15; index++) {
      const run = await runTemplate(
        index % 2 ? b : a,
        environmentAnswers(index),
      );
      expect(run.errors).toEqual([]);
    }
    changes.length = 0;

    const started = Date.now();
    const dryRuns = Array.from({ length: 50 }, (_, index) =>
      (index % 2 ? b : a).call('POST', '/api/scaffolder/v2/dry-run', {
        template,
        values: environmentAnswers(100 + index),
        secrets: {},
        directoryContents: [],
      }),
    );
    const provisions = Array.from({ length: 20 }, (_, index) =>
      // Two tasks per environment, one sent to each replica.
      runTemplate(index % 2 ? b : a, environmentAnswers(index >> 1)),
    );
    const decommissions = Array.from({ length: 5 }, (_, index) =>
      runTemplate(
        index % 2 ? a : b,
        {
          environment: `acme/payments/env-${10 + index}`,
          confirm: `acme/payments/env-${10 + index}`,
        },
        'decommission-esc-environment',
      ),
    );
    const [dry, provisioned, decommissioned] = await Promise.all([
      Promise.all(dryRuns),
      Promise.all(provisions),
      Promise.all(decommissions),
    ]);
    const wallSeconds = (Date.now() - started) / 1000;

    // Every task ran, and ran once.
    expect(dry.map(r => r.status)).toEqual(Array(50).fill(200));
    const failures = [...provisioned, ...decommissioned].filter(
      r => r.status !== 'completed',
    );
    expect(failures.flatMap(r => r.errors)).toEqual([]);
    expect(changes.filter(c => c.kind === 'apply')).toHaveLength(20);
    expect(changes.filter(c => c.kind === 'destroy')).toHaveLength(5);

    // Both replicas ran changes; changes of one environment never overlapped.
    const ranBy = new Set(changes.map(c => c.replica));
    expect([...ranBy].sort()).toEqual(['A', 'B']);
    const byEnvironment = new Map<string, Change[]>();
    for (const change of changes) {
      byEnvironment.set(change.environmentRef, [
        ...(byEnvironment.get(change.environmentRef) ?? []),
        change,
      ]);
    }
    let splitAcrossReplicas = 0;
    for (const [environmentRef, ofOne] of byEnvironment) {
      const ordered = [...ofOne].sort((x, y) => x.start - y.start);
      for (let i = 1; i < ordered.length; i++) {
        expect({
          environmentRef,
          overlap: ordered[i].start < ordered[i - 1].end!,
        }).toEqual({ environmentRef, overlap: false });
      }
      if (new Set(ofOne.map(c => c.replica)).size > 1) splitAcrossReplicas++;
    }

    // Stacks and catalog agree: ten environments there, five gone.
    for (let index = 0; index < 10; index++) {
      expect(stacks.get(`acme.payments.env-${index}`)?.owner).toBe(
        'group:default/payments-team',
      );
      await eventually(async () => {
        const { status } = await b.call(
          'GET',
          `/api/catalog/entities/by-name/resource/default/${entityName(index)}`,
        );
        return status === 200 ? true : undefined;
      });
    }
    for (let index = 10; index < 15; index++) {
      expect(stacks.has(`acme.payments.env-${index}`)).toBe(false);
      const { status } = await a.call(
        'GET',
        `/api/catalog/entities/by-name/resource/default/${entityName(index)}`,
      );
      expect(status).toBe(404);
    }

    // No lease is left behind.
    expect(
      await postgres.query(
        `${postgres.prefix}scaffolder`,
        'SELECT environment_key FROM pulumi_azure_oidc_environment_locks',
      ),
    ).toEqual([]);

    const waits = [...provisioned, ...decommissioned].flatMap(run =>
      [...run.log.matchAll(/now, after waiting (\d+) s/g)].map(m =>
        Number(m[1]),
      ),
    );
    // eslint-disable-next-line no-console
    console.log(
      [
        `two replicas: ${dry.length} dry runs, ${provisioned.length} provisioning and ${decommissioned.length} decommission tasks`,
        `${failures.length} failed; wall time ${wallSeconds.toFixed(1)} s`,
        `changes run by replica: A ${
          changes.filter(c => c.replica === 'A').length
        }, B ${changes.filter(c => c.replica === 'B').length}`,
        `${splitAcrossReplicas} of 10 environments had their two provisioning tasks on different replicas`,
        `${waits.length} tasks waited for a lease; the longest ${Math.max(
          0,
          ...waits,
        )} s`,
      ].join('\n'),
    );
  });
});
