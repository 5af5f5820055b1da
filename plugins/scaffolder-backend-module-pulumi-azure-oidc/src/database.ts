import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * The module's tables in the scaffolder's database (SQLite or PostgreSQL,
 * through Backstage's database service), created or upgraded first.
 */
export async function moduleDatabase(database: DatabaseService): Promise<Knex> {
  const db = await database.getClient();
  if (!database.migrations?.skip) {
    await db.migrate.latest({
      directory: resolvePackagePath(
        '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc',
        'migrations',
      ),
      // The scaffolder's database: its own migrations keep their table.
      tableName: 'pulumi_azure_oidc_knex_migrations',
    });
  }
  return db;
}
