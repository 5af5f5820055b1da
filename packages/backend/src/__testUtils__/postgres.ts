/**
 * A PostgreSQL server for tests that need one: PORTAL_TEST_POSTGRES_URL
 * (postgresql://user:password@host:port, a user that may create
 * databases), which .ci/run provides. Each test gets databases of its own
 * under a prefix, configured as app-config.production.yaml configures them,
 * and drops them when it ends.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { backendDir, eventually } from './portalBackend';

export const POSTGRES_URL = process.env.PORTAL_TEST_POSTGRES_URL;

/** The title of a suite that needs PostgreSQL, saying why it did not run. */
export function postgresSuiteTitle(title: string): string {
  if (POSTGRES_URL) return title;
  const skipped = `${title}: not run, because PORTAL_TEST_POSTGRES_URL is unset (see the README)`;
  // eslint-disable-next-line no-console
  console.warn(`Skipped: ${skipped}`);
  return skipped;
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

/** Databases of one test on the server of PORTAL_TEST_POSTGRES_URL. */
export function testPostgres() {
  const server = new URL(POSTGRES_URL ?? 'postgresql://unused');
  const prefix = `portal_test_${randomBytes(4).toString('hex')}_`;
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
  const ownDatabases = () =>
    query(
      'postgres',
      'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1',
      [`${prefix}%`],
    );
  return {
    prefix,
    query,
    ownDatabases,
    /**
     * `backend.database` as in production, one database per plugin under
     * this test's prefix, with pools that let idle connections go so that
     * the databases can be dropped.
     */
    database: () => ({
      ...productionDatabase({
        POSTGRES_HOST: credentials.host,
        POSTGRES_PORT: String(credentials.port),
        POSTGRES_USER: credentials.user,
        POSTGRES_PASSWORD: credentials.password,
      }),
      prefix,
      knexConfig: { pool: { min: 0, idleTimeoutMillis: 200 } },
    }),
    /** Once the backends' connections have gone, without forcing any. */
    async drop() {
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
    },
  };
}
