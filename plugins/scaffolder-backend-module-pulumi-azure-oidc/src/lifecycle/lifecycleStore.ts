/**
 * What the golden path keeps of its checks, through Backstage's database
 * service (SQLite or PostgreSQL, in the scaffolder's database, in tables of
 * its own): the last results of verify and drift checks per environment,
 * and the progress of the drift round under way.
 */
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  LatestChecks,
  RecordedCheck,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { Knex } from 'knex';
import { moduleDatabase } from '../database';

export type { RecordedCheck };
export type CheckKind = RecordedCheck['kind'];

const CHECKS = 'pulumi_azure_oidc_checks';
const ROUNDS = 'pulumi_azure_oidc_drift_rounds';
const PROGRESS = 'pulumi_azure_oidc_drift_progress';

export interface StoreOptions {
  /** Results kept per environment and kind. */
  keep: number;
  /** The module's SecretRedactor: no secret is kept, whatever a check said. */
  redact?: (text: string) => string;
}

export class LifecycleStore {
  private constructor(
    private readonly db: Knex,
    /** Results kept per environment and kind. */
    private readonly keep: number,
    /** Masks secrets in what is kept: results outlive the runs that made them. */
    private readonly redact: (text: string) => string,
  ) {}

  /** The store over the module's tables, created or upgraded first. */
  static async create(
    database: DatabaseService,
    options: StoreOptions,
  ): Promise<LifecycleStore> {
    return LifecycleStore.over(await moduleDatabase(database), options);
  }

  /** The store over tables `moduleDatabase` made. */
  static over(db: Knex, options: StoreOptions): LifecycleStore {
    return new LifecycleStore(
      db,
      options.keep,
      options.redact ?? (text => text),
    );
  }

  /** Keeps a result, and drops the oldest beyond the number kept. */
  async record(environmentRef: string, check: RecordedCheck): Promise<void> {
    const { kind, status, checkedAt, ...result } = check;
    await this.db.transaction(async tx => {
      await tx(CHECKS).insert({
        environment_ref: environmentRef,
        kind,
        status,
        checked_at: new Date(checkedAt),
        result: this.redact(JSON.stringify(result)),
      });
      const kept = tx(CHECKS)
        .select('id')
        .where({ environment_ref: environmentRef, kind })
        .orderBy('id', 'desc')
        .limit(this.keep);
      await tx(CHECKS)
        .where({ environment_ref: environmentRef, kind })
        // A derived table: MySQL refuses LIMIT in an IN subquery itself.
        .whereNotIn('id', tx.select('id').from(kept.as('kept')))
        .delete();
    });
  }

  /** The latest results of one kind, newest first. */
  async history(
    environmentRef: string,
    kind: CheckKind,
    limit = this.keep,
  ): Promise<RecordedCheck[]> {
    const rows = await this.db(CHECKS)
      .where({ environment_ref: environmentRef, kind })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(recordedCheck);
  }

  /** The latest result of each kind for each environment, by reference. */
  async latest(
    environmentRefs: string[],
  ): Promise<Record<string, LatestChecks>> {
    if (environmentRefs.length === 0) return {};
    const newest = this.db(CHECKS)
      .max('id as id')
      .whereIn('environment_ref', environmentRefs)
      .groupBy('environment_ref', 'kind');
    const rows = await this.db(CHECKS).whereIn(
      'id',
      this.db.select('id').from(newest.as('newest')),
    );
    const latest: Record<string, LatestChecks> = {};
    for (const row of rows) {
      latest[row.environment_ref] ??= {};
      latest[row.environment_ref][row.kind as CheckKind] = recordedCheck(row);
    }
    return latest;
  }

  /**
   * The drift round under way, or a new one: its id, and the environments
   * it has checked already (a restart, or a move to another replica,
   * resumes it there).
   */
  async currentRound(now: Date): Promise<{ id: number; done: Set<string> }> {
    const open = await this.db(ROUNDS)
      .whereNull('finished_at')
      .orderBy('id', 'desc')
      .first();
    if (!open) {
      const [created] = await this.db(ROUNDS)
        .insert({ started_at: now })
        .returning('id');
      return { id: Number(created.id ?? created), done: new Set() };
    }
    const done = await this.db(PROGRESS)
      .where({ round_id: open.id })
      .select('environment_ref');
    return {
      id: Number(open.id),
      done: new Set(done.map(row => row.environment_ref)),
    };
  }

  async markChecked(roundId: number, environmentRef: string): Promise<void> {
    await this.db(PROGRESS)
      .insert({ round_id: roundId, environment_ref: environmentRef })
      .onConflict(['round_id', 'environment_ref'])
      .ignore();
  }

  /** Ends a round; its progress is no longer needed. */
  async finishRound(roundId: number, now: Date): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(ROUNDS).where({ id: roundId }).update({ finished_at: now });
      await tx(PROGRESS).where({ round_id: roundId }).delete();
      await tx(ROUNDS)
        .whereNot({ id: roundId })
        .whereNotNull('finished_at')
        .delete();
    });
  }
}

/** A row of the checks table, as the check it keeps. */
function recordedCheck(row: {
  kind: CheckKind;
  status: RecordedCheck['status'];
  checked_at: string | number | Date;
  result: string;
}): RecordedCheck {
  return {
    ...JSON.parse(row.result),
    kind: row.kind,
    status: row.status,
    checkedAt: new Date(row.checked_at).toISOString(),
  };
}
