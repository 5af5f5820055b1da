/**
 * Two portal backend processes on loopback ports sharing one PostgreSQL, as
 * two replicas behind a load balancer: each runs the tasks its scaffolder
 * takes from the shared task table, over a stand-in engine whose stacks
 * live in that PostgreSQL too, as remote state does, and which records who
 * ran each change and when (dev/sharedStandInStacks.ts), and one stand-in
 * of Pulumi Cloud's ESC API, on HTTPS, that both write definitions to.
 *
 * First a burst, sent half to each replica (A's half first, see below):
 * every task ran once, changes of one environment took turns, stacks, ESC
 * definitions and catalog agree, no lease is left.
 * Then one replica is killed (SIGKILL) in the middle of a change: Backstage's
 * task recovery (scaffolder.taskRecovery) hands its task to the other
 * replica, the lease it held expires and is taken over, the stack lock its
 * run left is released, and the environment converges, as a re-run shows.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  PulumiCloudStandIn,
  pulumiCloudStandIn,
} from '@esc-azure-oidc/test-utils';
import { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { parse, stringify } from 'yaml';
import { freePort, spawnBackend } from '../dev/portalProcess';
import { STAND_IN_TABLES } from '../dev/sharedStandInStacks';
import {
  answers,
  CLIENT_ID,
  goldenPathConfig,
  runTemplate,
  template,
} from './__testUtils__/goldenPath';
import { eventually, signInAsGuest } from './__testUtils__/portalBackend';
import {
  POSTGRES_URL,
  postgresSuiteTitle,
  testPostgres,
} from './__testUtils__/postgres';

const title = postgresSuiteTitle('two replica processes on one PostgreSQL');

jest.setTimeout(600_000);

const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');
/** How long the stand-in's updates take: long enough to overlap, or to be killed in. */
const UPDATE_MS = 1000;
/**
 * Longer than the replicas' event loops may stall on a loaded machine (the
 * stand-in runs dry runs on the main thread): a lease or a heartbeat missed
 * that long would hand a live replica's change or task to the other.
 */
const LEASE_SECONDS = 10;
const STALE_TASK_SECONDS = 20;

type Change = {
  replica: string;
  kind: 'apply' | 'destroy';
  environmentRef: string;
  start: number;
  /** None: the replica was killed during the change. */
  end?: number;
};

type Replica = Awaited<ReturnType<typeof signInAsGuest>> & {
  name: string;
  child: ChildProcess;
};

const environmentAnswers = (index: number) => ({
  ...answers,
  environment: `env-${index}`,
  system: undefined,
  description: `Environment ${index}`,
  createEscEnvironment: true,
});
const entityPath = (index: number) =>
  `/api/catalog/entities/by-name/resource/default/${escEnvironmentEntityName({
    organization: 'acme',
    project: 'payments',
    environment: `env-${index}`,
  })}`;

/** Changes whose times overlap, per environment. */
function overlapping(changes: Change[], killedAt = Infinity) {
  const byEnvironment = new Map<string, Change[]>();
  for (const change of changes) {
    byEnvironment.set(change.environmentRef, [
      ...(byEnvironment.get(change.environmentRef) ?? []),
      change,
    ]);
  }
  const overlaps: string[] = [];
  for (const [environmentRef, ofOne] of byEnvironment) {
    const ordered = [...ofOne].sort((x, y) => x.start - y.start);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i].start < (ordered[i - 1].end ?? killedAt)) {
        overlaps.push(environmentRef);
      }
    }
  }
  return { overlaps, byEnvironment };
}

(POSTGRES_URL ? describe : describe.skip)(title, () => {
  const data = createMockDirectory();
  const postgres = testPostgres();
  const standInDatabase = `${postgres.prefix}standin`;
  const standInUrl = () => {
    const url = new URL(POSTGRES_URL!);
    url.pathname = `/${standInDatabase}`;
    return url.toString();
  };
  let standIn: Pool;
  /** Pulumi Cloud's ESC API, on HTTPS that the replicas are told to trust. */
  let cloud: PulumiCloudStandIn & { certificate?: string };
  const replicas: Replica[] = [];

  const changes = async (): Promise<Change[]> =>
    (
      await standIn.query(
        'SELECT replica, kind, environment_ref, started_at, ended_at FROM standin_changes ORDER BY id',
      )
    ).rows.map(row => ({
      replica: row.replica,
      kind: row.kind,
      environmentRef: row.environment_ref,
      start: Number(row.started_at),
      end: row.ended_at === null ? undefined : Number(row.ended_at),
    }));
  const stackOwner = async (index: number) =>
    (
      await standIn.query(
        'SELECT state FROM standin_stacks WHERE stack_name = $1',
        [`acme.payments.env-${index}`],
      )
    ).rows[0]?.state.owner;
  /** The client id the environment's ESC definition logs in with, if it exists. */
  const escClientId = (index: number) => {
    const definition = cloud.environments.get(`acme/payments/env-${index}`);
    return (
      definition &&
      parse(definition.yaml).values.azure.login['fn::open::azure-login']
        .clientId
    );
  };
  const leases = () =>
    postgres.query(
      `${postgres.prefix}scaffolder`,
      'SELECT environment_key FROM pulumi_azure_oidc_environment_locks',
    );

  async function startReplica(name: string): Promise<Replica> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const overlay = join(data.path, `replica-${name}.yaml`);
    writeFileSync(
      overlay,
      stringify(
        goldenPathConfig(data.path, {
          backend: {
            baseUrl,
            listen: { port, host: '127.0.0.1' },
            database: postgres.database(),
          },
          scaffolder: {
            // Few tasks at once per replica, so that one replica's hands are
            // full while the other is woken.
            concurrentTasksLimit: 3,
            taskRecovery: {
              enabled: true,
              staleTimeout: { seconds: STALE_TASK_SECONDS },
            },
          },
          pulumiAzureOidc: {
            replicas: 2,
            // Remote state, as two replicas need; the stand-in keeps it.
            state: { backendUrl: 'azblob://state', passphrase: 'not-secret' },
            locks: { waitSeconds: 120, leaseSeconds: LEASE_SECONDS },
            pulumiCloud: {
              organization: 'acme',
              apiUrl: cloud.apiUrl,
              accessToken: 'pul-replica-test-token',
            },
          },
        }),
      ),
    );
    const { child } = await spawnBackend({
      node: ['--require', TRANSFORM],
      args: ['dev/replicaBackend.ts', '--config', overlay],
      env: {
        ...process.env,
        REPLICA_NAME: name,
        STAND_IN_DATABASE_URL: standInUrl(),
        STAND_IN_UPDATE_MS: String(UPDATE_MS),
        NODE_EXTRA_CA_CERTS: join(data.path, 'pulumi-cloud.pem'),
      },
      baseUrl,
    });
    return { name, child, ...(await signInAsGuest(baseUrl)) };
  }

  beforeAll(async () => {
    cloud = await pulumiCloudStandIn({ https: true });
    writeFileSync(join(data.path, 'pulumi-cloud.pem'), cloud.certificate!);
    await postgres.query('postgres', `CREATE DATABASE "${standInDatabase}"`);
    await postgres.query(standInDatabase, STAND_IN_TABLES);
    standIn = new Pool({
      connectionString: standInUrl(),
      max: 2,
      idleTimeoutMillis: 200,
    });
    // One after the other, as a rolling start does: two backends migrating
    // an empty database at once fail on knex's migration lock
    // (backstage/charts#300), and are restarted by their orchestrator.
    for (const name of ['A', 'B']) replicas.push(await startReplica(name));
  });

  afterAll(async () => {
    await Promise.all(
      replicas.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await standIn?.end();
    await cloud?.close();
    await postgres.drop();
  });

  it('runs every task once, one change per environment at a time, and ends where stacks and catalog agree', async () => {
    const [a, b] = replicas;
    // Five environments to decommission during the burst.
    for (let index = 10; index < 15; index++) {
      const run = await runTemplate(
        index % 2 ? b : a,
        environmentAnswers(index),
      );
      expect(run.errors).toEqual([]);
    }
    await standIn.query('DELETE FROM standin_changes');

    const started = Date.now();
    const dryRuns = Array.from({ length: 50 }, (_, index) =>
      (index % 2 ? b : a).call('POST', '/api/scaffolder/v2/dry-run', {
        template,
        values: environmentAnswers(100 + index),
        secrets: {},
        directoryContents: [],
      }),
    );
    // Two provisioning tasks per environment, one sent to each replica.
    // A replica claims open tasks only when a task dispatched to it wakes it,
    // or right after it claimed one (StorageTaskBroker.claim in
    // @backstage/plugin-scaffolder-backend); a wake-up that comes while its
    // claim loses a race to the other replica is lost. So one replica may
    // drain the whole queue while the other idles: correct, but this test
    // must see both run changes. A's half goes first, while B is idle and
    // cannot race it; B's once A runs changes and has its hands full.
    const firstOfEach = Array.from({ length: 10 }, (_, index) =>
      runTemplate(a, environmentAnswers(index)),
    );
    await eventually(async () =>
      (await changes()).some(change => change.replica === 'A')
        ? true
        : undefined,
    );
    const secondOfEach = Array.from({ length: 10 }, (_, index) =>
      runTemplate(b, environmentAnswers(index)),
    );
    const provisions = [...firstOfEach, ...secondOfEach];
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
    const ran = await changes();
    expect(ran.filter(c => c.kind === 'apply')).toHaveLength(20);
    expect(ran.filter(c => c.kind === 'destroy')).toHaveLength(5);

    // Both replicas ran changes; changes of one environment never overlapped.
    expect([...new Set(ran.map(c => c.replica))].sort()).toEqual(['A', 'B']);
    const { overlaps, byEnvironment } = overlapping(ran);
    expect(overlaps).toEqual([]);
    const splitAcrossReplicas = [...byEnvironment.values()].filter(
      ofOne => new Set(ofOne.map(c => c.replica)).size > 1,
    ).length;

    // Stacks, ESC and catalog agree: ten environments there, five gone.
    for (let index = 0; index < 10; index++) {
      expect(await stackOwner(index)).toBe('group:default/payments-team');
      expect(escClientId(index)).toBe(CLIENT_ID);
      await eventually(async () => {
        const { status } = await b.call('GET', entityPath(index));
        return status === 200 ? true : undefined;
      });
    }
    for (let index = 10; index < 15; index++) {
      expect(await stackOwner(index)).toBeUndefined();
      expect(escClientId(index)).toBeUndefined();
      expect((await a.call('GET', entityPath(index))).status).toBe(404);
    }
    expect(await leases()).toEqual([]);

    const waits = [...provisioned, ...decommissioned].flatMap(run =>
      [...run.log.matchAll(/now, after waiting (\d+) s/g)].map(m =>
        Number(m[1]),
      ),
    );
    // eslint-disable-next-line no-console
    console.log(
      [
        `two replica processes: ${dry.length} dry runs, ${provisioned.length} provisioning and ${decommissioned.length} decommission tasks`,
        `${failures.length} failed; wall time ${wallSeconds.toFixed(1)} s`,
        `changes run by replica: A ${
          ran.filter(c => c.replica === 'A').length
        }, B ${ran.filter(c => c.replica === 'B').length}`,
        `${splitAcrossReplicas} of 10 environments had their two provisioning tasks on different replicas`,
        `${waits.length} tasks waited for a lease; the longest ${Math.max(
          0,
          ...waits,
        )} s`,
      ].join('\n'),
    );
  });

  it('recovers the task of a replica killed mid-change, on the other replica, and converges', async () => {
    await standIn.query('DELETE FROM standin_changes');
    const ENV = 20;
    const environmentRef = `acme/payments/env-${ENV}`;
    // Two tasks for one environment, one sent to each replica.
    const created = await Promise.all(
      replicas.map(async replica => {
        const { status, body } = await replica.call(
          'POST',
          '/api/scaffolder/v2/tasks',
          {
            templateRef: 'template:default/azure-esc-environment',
            values: environmentAnswers(ENV),
          },
        );
        expect(status).toBe(201);
        return body.id as string;
      }),
    );

    // The replica that is changing the environment dies in the middle of it.
    const doomed = await eventually(async () => {
      const running = (await changes()).find(c => c.end === undefined);
      return running && replicas.find(r => r.name === running.replica);
    });
    const exited = new Promise(r => doomed.child.once('exit', r));
    doomed.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const survivor = replicas.find(r => r !== doomed)!;
    // eslint-disable-next-line no-console
    console.log(`killed replica ${doomed.name} mid-change`);

    // Both tasks end on the survivor: the killed one by task recovery.
    const ended = await Promise.all(
      created.map(id =>
        eventually(async () => {
          const task = await survivor.getJson(`/api/scaffolder/v2/tasks/${id}`);
          return ['completed', 'failed'].includes(task.status)
            ? task
            : undefined;
        }, 120_000),
      ),
    );
    const recoveredAt = Date.now();
    const events = await Promise.all(
      created.map(id =>
        survivor.getJson(`/api/scaffolder/v2/tasks/${id}/events`),
      ),
    );
    const logs = events.map(ofTask =>
      ofTask.map((event: any) => event.body?.message ?? '').join('\n'),
    );
    expect(ended.map(task => task.status)).toEqual(['completed', 'completed']);
    expect(
      events.flat().filter((event: any) => event.type === 'recovered'),
    ).not.toEqual([]);
    expect(logs.join('\n')).toMatch(
      new RegExp(
        `The lease on ${environmentRef} expired while held for a provision run by user:default/guest, which stopped without finishing`,
      ),
    );

    // The killed change never overlapped another; the survivor finished it.
    const ran = await changes();
    expect(overlapping(ran, killedAt).overlaps).toEqual([]);
    expect(ran.filter(c => c.end === undefined)).toEqual([
      expect.objectContaining({ replica: doomed.name }),
    ]);
    expect(
      ran.filter(c => c.end !== undefined).map(c => c.replica),
    ).not.toContain(doomed.name);
    expect(await stackOwner(ENV)).toBe('group:default/payments-team');
    expect(escClientId(ENV)).toBe(CLIENT_ID);
    await eventually(async () => {
      const { status } = await survivor.call('GET', entityPath(ENV));
      return status === 200 ? true : undefined;
    });
    expect(await leases()).toEqual([]);
    expect(
      (await standIn.query('SELECT stack_name FROM standin_stack_locks')).rows,
    ).toEqual([]);

    // A re-run finds nothing to do.
    const rerun = await runTemplate(survivor, environmentAnswers(ENV));
    expect(rerun.status).toBe('completed');
    expect(rerun.log).toMatch(/\(0 created, 0 updated, 0 replaced, 0 deleted/);
    // eslint-disable-next-line no-console
    console.log(
      `after the kill: both tasks of ${environmentRef} completed on replica ${
        survivor.name
      } within ${((recoveredAt - killedAt) / 1000).toFixed(
        1,
      )} s (lease ${LEASE_SECONDS} s, stale task ${STALE_TASK_SECONDS} s)`,
    );
  });
});
