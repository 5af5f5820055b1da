import { TestDatabases } from '@backstage/backend-test-utils';
import { SecretRedactor } from '../secrets';
import { LifecycleStore, RecordedCheck } from './lifecycleStore';

const CANARY = 'pul-canary-token-0001';

// CI's PostgreSQL, when it is there, besides SQLite.
const postgres = process.env.PORTAL_TEST_POSTGRES_URL;
if (postgres) {
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??= postgres;
} else {
  // eslint-disable-next-line no-console
  console.warn(
    'LifecycleStore: PostgreSQL not run, because PORTAL_TEST_POSTGRES_URL is unset; SQLite only',
  );
}
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

jest.setTimeout(60_000);

const check = (
  n: number,
  kind: 'verify' | 'drift' = 'verify',
): RecordedCheck => ({
  kind,
  ok: n % 2 === 0,
  status: n % 2 === 0 ? 'passed' : 'failed',
  checkedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n)).toISOString(),
  checks: [{ name: 'stack', status: 'passed', detail: `run ${n}` }],
});

describe.each(databases.eachSupportedId())('LifecycleStore on %s', id => {
  let knex: Awaited<ReturnType<typeof databases.init>>;
  async function store(keep = 3) {
    knex = await databases.init(id);
    return LifecycleStore.create(
      { getClient: async () => knex, migrations: { skip: false } },
      { keep, redact: text => new SecretRedactor([CANARY]).redact(text) },
    );
  }

  it('keeps no secret, whatever a check said', async () => {
    const lifecycle = await store();
    await lifecycle.record('acme/payments/prod', {
      ...check(1, 'drift'),
      checks: [{ name: 'stack', status: 'failed', detail: `token ${CANARY}` }],
      drift: [`changed: credential subject ${CANARY}`],
    });
    const rows = await knex('pulumi_azure_oidc_checks');
    expect(JSON.stringify(rows)).not.toContain(CANARY);
    const [kept] = await lifecycle.history('acme/payments/prod', 'drift');
    expect(kept.checks[0].detail).toBe('token ***');
    expect(kept.drift).toEqual(['changed: credential subject ***']);
  });

  it('keeps the latest results per environment and kind, newest first', async () => {
    const lifecycle = await store();
    for (let n = 1; n <= 5; n++) {
      await lifecycle.record('acme/payments/prod', check(n));
    }
    await lifecycle.record('acme/payments/prod', check(6, 'drift'));
    await lifecycle.record('acme/payments/dev', check(7));

    const history = await lifecycle.history('acme/payments/prod', 'verify');
    expect(history.map(h => h.checks[0].detail)).toEqual([
      'run 5',
      'run 4',
      'run 3',
    ]);
    expect(history[0]).toEqual({
      kind: 'verify',
      ok: false,
      status: 'failed',
      checkedAt: '2026-11-30T12:00:05.000Z',
      checks: [{ name: 'stack', status: 'passed', detail: 'run 5' }],
    });
    expect(await lifecycle.history('acme/payments/prod', 'drift')).toHaveLength(
      1,
    );
    expect(await lifecycle.history('acme/payments/dev', 'verify')).toHaveLength(
      1,
    );
    expect(await lifecycle.history('acme/other/prod', 'verify')).toEqual([]);
  });

  it('answers the latest check of each kind for many environments at once', async () => {
    const lifecycle = await store();
    await lifecycle.record('acme/payments/prod', check(1));
    await lifecycle.record('acme/payments/prod', check(2));
    await lifecycle.record('acme/payments/prod', check(3, 'drift'));
    await lifecycle.record('acme/payments/dev', check(4, 'drift'));
    await lifecycle.record('acme/other/prod', check(5));

    const latest = await lifecycle.latest([
      'acme/payments/prod',
      'acme/payments/dev',
      'acme/never/checked',
    ]);
    expect(Object.keys(latest).sort()).toEqual([
      'acme/payments/dev',
      'acme/payments/prod',
    ]);
    expect(latest['acme/payments/prod'].verify?.checks[0].detail).toBe('run 2');
    expect(latest['acme/payments/prod'].drift?.checks[0].detail).toBe('run 3');
    expect(latest['acme/payments/dev']).toEqual({ drift: check(4, 'drift') });
    expect(await lifecycle.latest([])).toEqual({});
  });

  it('resumes an unfinished drift round, and starts a new one once it ended', async () => {
    const lifecycle = await store();
    const now = new Date();
    const first = await lifecycle.currentRound(now);
    expect(first.done).toEqual(new Set());
    await lifecycle.markChecked(first.id, 'acme/payments/prod');
    await lifecycle.markChecked(first.id, 'acme/payments/prod');

    // A restart: the same round, with what it did.
    const resumed = await lifecycle.currentRound(now);
    expect(resumed).toEqual({
      id: first.id,
      done: new Set(['acme/payments/prod']),
    });

    await lifecycle.finishRound(first.id, now);
    const next = await lifecycle.currentRound(now);
    expect(next.id).not.toBe(first.id);
    expect(next.done).toEqual(new Set());
  });
});
