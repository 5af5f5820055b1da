/**
 * The portal on PostgreSQL, with the database settings of
 * app-config.production.yaml: the catalog and the scaffolder keep their state
 * there, and the golden path runs through them. Needs a server that lets its
 * user create databases: PORTAL_TEST_POSTGRES_URL
 * (postgresql://user:password@host:port), which .ci/run provides.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import {
  answers,
  registeredEntity,
  runTemplate,
  startGoldenPathPortal,
} from './__testUtils__/goldenPath';
import { backendDir, eventually } from './__testUtils__/portalBackend';

const url = process.env.PORTAL_TEST_POSTGRES_URL;
const title = url
  ? 'the portal on PostgreSQL'
  : 'the portal on PostgreSQL: not run, because PORTAL_TEST_POSTGRES_URL is unset (see the README)';
if (!url) {
  // eslint-disable-next-line no-console
  console.warn(`Skipped: ${title}`);
}

/** `backend.database` of the production configuration, its `${…}` filled in. */
function productionDatabase(variables: Record<string, string>) {
  const { backend } = parse(
    readFileSync(
      resolve(backendDir, '../../app-config.production.yaml'),
      'utf8',
    ),
  );
  return JSON.parse(
    JSON.stringify(backend.database).replace(/\$\{(\w+)\}/g, (_, name) => {
      if (!(name in variables)) throw new Error(`no value for ${name}`);
      return variables[name];
    }),
  );
}

jest.setTimeout(120_000);

(url ? describe : describe.skip)(title, () => {
  const server = new URL(url ?? 'postgresql://unused');
  const prefix = `portal_test_${randomBytes(4).toString('hex')}_`;
  const data = createMockDirectory();
  const credentials = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  };
  /** Runs SQL in one database of the server. */
  const query = async (database: string, sql: string, values?: unknown[]) => {
    const client = new Client({ ...credentials, database });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;

  beforeAll(async () => {
    const database = productionDatabase({
      POSTGRES_HOST: credentials.host,
      POSTGRES_PORT: String(credentials.port),
      POSTGRES_USER: credentials.user,
      POSTGRES_PASSWORD: credentials.password,
    });
    // One database per plugin, as in production, under a prefix of this run's;
    // pools that let idle connections go, so that the databases can be dropped.
    portal = await startGoldenPathPortal(data.path, {
      backend: {
        database: {
          ...database,
          prefix,
          knexConfig: { pool: { min: 0, idleTimeoutMillis: 200 } },
        },
      },
    });
  });

  const ownDatabases = () =>
    query(
      'postgres',
      'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1',
      [`${prefix}%`],
    );

  afterAll(async () => {
    await portal?.stop();
    // Once the stopped backend's connections have gone, without forcing any.
    await eventually(async () => {
      const open = await query(
        'postgres',
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE $1',
        [`${prefix}%`],
      );
      return open[0].n === 0 ? true : undefined;
    });
    for (const { datname } of await ownDatabases()) {
      await query('postgres', `DROP DATABASE "${datname}"`);
    }
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
