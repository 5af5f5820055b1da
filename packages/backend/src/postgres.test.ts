/**
 * The portal on PostgreSQL, with the database settings of
 * app-config.production.yaml: the catalog and the scaffolder keep their state
 * there, and the golden path runs through them. Needs a server that lets its
 * user create databases: PORTAL_TEST_POSTGRES_URL
 * (postgresql://user:password@host:port), which .ci/run provides.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  answers,
  registeredEntity,
  runTemplate,
  startGoldenPathPortal,
} from './__testUtils__/goldenPath';
import { eventually } from './__testUtils__/portalBackend';
import {
  POSTGRES_URL,
  postgresSuiteTitle,
  testPostgres,
} from './__testUtils__/postgres';

const title = postgresSuiteTitle('the portal on PostgreSQL');

jest.setTimeout(120_000);

(POSTGRES_URL ? describe : describe.skip)(title, () => {
  const data = createMockDirectory();
  const { prefix, query, ownDatabases, database, drop } = testPostgres();
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;

  beforeAll(async () => {
    portal = await startGoldenPathPortal(data.path, {
      backend: { database: database() },
    });
  });

  afterAll(async () => {
    await portal?.stop();
    await drop();
  });

  it('keeps tasks and entities in PostgreSQL and runs the golden path through them', async () => {
    expect(await runTemplate(portal, answers)).toMatchObject({
      status: 'completed',
      errors: [],
    });
    const registered = await registeredEntity(portal);
    expect(registered.spec.owner).toBe('group:default/payments-team');

    // The state really is in PostgreSQL: the task, and the entity.
    expect((await ownDatabases()).map(row => row.datname)).toEqual(
      expect.arrayContaining([`${prefix}catalog`, `${prefix}scaffolder`]),
    );
    expect(
      await query(`${prefix}scaffolder`, 'SELECT status FROM tasks'),
    ).toEqual([{ status: 'completed' }]);
    expect(
      await query(
        `${prefix}catalog`,
        'SELECT entity_ref FROM refresh_state WHERE entity_ref = $1',
        [`resource:default/${registered.metadata.name}`],
      ),
    ).toHaveLength(1);

    // A second run passes the owner checks and updates the entity in place.
    expect(
      await runTemplate(portal, { ...answers, description: 'Updated' }),
    ).toMatchObject({ status: 'completed', errors: [] });
    const updated = await eventually(async () => {
      const entity = await registeredEntity(portal);
      return entity.metadata.description === 'Updated' ? entity : undefined;
    });
    expect(updated.metadata.uid).toBe(registered.metadata.uid);
    expect(
      await query(`${prefix}scaffolder`, 'SELECT status FROM tasks'),
    ).toEqual([{ status: 'completed' }, { status: 'completed' }]);
  });
});
