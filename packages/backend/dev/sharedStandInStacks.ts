/**
 * The stand-in engine's stacks in a PostgreSQL database that several
 * backend processes share, as replicas share remote state, and a record of
 * each change every replica runs (who, what, when it began and ended), for
 * the replica test to check. A process killed mid-change leaves its lock
 * and an unended change behind, as a killed `pulumi up` leaves its lock.
 */
import type {
  EnvironmentEngine,
  StackState,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Pool } from 'pg';
import { StandInStacks } from './standInEngine';

/** The tables, created once before the replicas start. */
export const STAND_IN_TABLES = `
  CREATE TABLE standin_stacks (stack_name text PRIMARY KEY, state jsonb NOT NULL);
  CREATE TABLE standin_stack_locks (stack_name text PRIMARY KEY, run text NOT NULL);
  CREATE TABLE standin_changes (
    id serial PRIMARY KEY,
    replica text NOT NULL,
    kind text NOT NULL,
    environment_ref text NOT NULL,
    started_at bigint NOT NULL,
    ended_at bigint
  );
`;

export function sharedStandInStacks(pool: Pool): StandInStacks {
  return {
    get: async stackName => {
      const { rows } = await pool.query(
        'SELECT state FROM standin_stacks WHERE stack_name = $1',
        [stackName],
      );
      return rows[0]?.state as StackState | undefined;
    },
    put: async (stackName, state) => {
      await pool.query(
        `INSERT INTO standin_stacks (stack_name, state) VALUES ($1, $2)
         ON CONFLICT (stack_name) DO UPDATE SET state = EXCLUDED.state`,
        [stackName, JSON.stringify(state)],
      );
    },
    delete: async stackName => {
      await pool.query('DELETE FROM standin_stacks WHERE stack_name = $1', [
        stackName,
      ]);
    },
    lock: async (stackName, run) => {
      const { rowCount } = await pool.query(
        `INSERT INTO standin_stack_locks (stack_name, run) VALUES ($1, $2)
         ON CONFLICT (stack_name) DO NOTHING`,
        [stackName, run],
      );
      return rowCount === 1;
    },
    unlock: async (stackName, run) => {
      await pool.query(
        'DELETE FROM standin_stack_locks WHERE stack_name = $1 AND ($2::text IS NULL OR run = $2)',
        [stackName, run ?? null],
      );
    },
  };
}

/** The engine, its every apply and destroy recorded as run by `replica`. */
export function recordingChanges(
  engine: EnvironmentEngine,
  replica: string,
  pool: Pool,
): EnvironmentEngine {
  const recorded = async <T>(
    kind: 'apply' | 'destroy',
    environment: EscEnvironmentRef,
    change: () => Promise<T>,
  ) => {
    const { rows } = await pool.query(
      `INSERT INTO standin_changes (replica, kind, environment_ref, started_at)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [replica, kind, formatEnvironmentRef(environment), Date.now()],
    );
    try {
      return await change();
    } finally {
      await pool.query(
        'UPDATE standin_changes SET ended_at = $1 WHERE id = $2',
        [Date.now(), rows[0].id],
      );
    }
  };
  return {
    ...engine,
    apply: (plan, options) =>
      recorded('apply', plan.environment, () => engine.apply(plan, options)),
    destroy: (environment, options) =>
      recorded('destroy', environment, () =>
        engine.destroy(environment, options),
      ),
  };
}
