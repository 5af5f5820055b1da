/**
 * One change per environment at a time, across backend replicas.
 *
 * Backstage gives each task to one replica, but two tasks for the same
 * environment may run on two replicas at once, and Pulumi's stack lock
 * covers only the engine's update, not the ownership check before it. So a
 * task that changes an environment holds a lease on it in the database the
 * replicas share (Backstage's database service: SQLite alone, PostgreSQL in
 * production) from its ownership check to its last write. The lease is
 * renewed while the task runs; a replica that dies stops renewing it, and
 * it expires. Leases compare the replicas' clocks: keep them in sync (NTP),
 * well within the lease.
 */
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

const LOCKS = 'pulumi_azure_oidc_environment_locks';

export interface LockSettings {
  /** How long a lease lasts without renewal. */
  leaseMs: number;
  /** How long a task waits for another to finish before it gives up. */
  waitMs: number;
  /** How often a waiting task tries again. */
  pollMs: number;
}

export interface LockTask {
  /** Whom the lease is held for, as those who wait are told. */
  heldFor: string;
  signal?: AbortSignal;
  log: { info(line: string): void };
}

/** How the lease was come by. */
export interface Lease {
  /**
   * Whom the lease was held for when its holder stopped renewing it without
   * letting go: a replica that died mid-change, whose run may have left the
   * Pulumi stack locked.
   */
  stoppedRun?: string;
}

export class EnvironmentLocks {
  constructor(
    private readonly db: Knex,
    private readonly settings: LockSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `change` holding the environment's lease; waits for a task that
   * holds it, saying for whom, up to the configured limit.
   */
  async withLock<T>(
    environmentRef: string,
    task: LockTask,
    change: (lease: Lease) => Promise<T>,
  ): Promise<T> {
    const key = environmentRef.toLowerCase();
    const holder = randomUUID();
    const lease = await this.acquire(key, holder, environmentRef, task);
    const renewal = setInterval(
      () => void this.renew(key, holder).catch(() => undefined),
      Math.max(1, Math.floor(this.settings.leaseMs / 3)),
    );
    renewal.unref?.();
    try {
      return await change(lease);
    } finally {
      clearInterval(renewal);
      await this.db(LOCKS).where({ environment_key: key, holder }).delete();
    }
  }

  /** Who holds the environment's lease now, if anyone. */
  async heldFor(environmentRef: string): Promise<string | undefined> {
    const row = await this.db(LOCKS)
      .where({ environment_key: environmentRef.toLowerCase() })
      .where('expires_at', '>', this.now())
      .first();
    return row?.held_for;
  }

  private async acquire(
    key: string,
    holder: string,
    environmentRef: string,
    task: LockTask,
  ): Promise<Lease> {
    const started = this.now();
    let announced: string | undefined;
    for (;;) {
      const lease = await this.tryAcquire(key, holder, task.heldFor);
      if (lease) {
        if (lease.stoppedRun) {
          task.log.info(
            `The lease on ${environmentRef} expired while held for ${lease.stoppedRun}, which stopped without finishing (its replica no longer renews it): taking it over`,
          );
        }
        if (announced) {
          task.log.info(
            `Changing ${environmentRef} now, after waiting ${seconds(
              this.now() - started,
            )}`,
          );
        }
        return lease;
      }
      const current = await this.heldFor(environmentRef);
      const waited = this.now() - started;
      if (waited >= this.settings.waitMs) {
        throw new ConflictError(
          `Cannot change ${environmentRef} now: ${
            current ?? 'another task'
          } is changing it, and this task waited ${seconds(
            waited,
          )} (pulumiAzureOidc.locks.waitSeconds). Nothing was changed; run it again once that task has finished.`,
        );
      }
      if (current && current !== announced) {
        task.log.info(
          `Waiting for ${current} to finish changing ${environmentRef}`,
        );
        announced = current;
      }
      await sleep(this.settings.pollMs, task.signal);
    }
  }

  /** Takes a free lease, or one whose holder stopped renewing it. */
  private async tryAcquire(
    key: string,
    holder: string,
    heldFor: string,
  ): Promise<Lease | undefined> {
    const now = this.now();
    const lease = {
      holder,
      held_for: heldFor,
      expires_at: now + this.settings.leaseMs,
    };
    await this.db(LOCKS)
      .insert({ environment_key: key, ...lease })
      .onConflict('environment_key')
      .ignore();
    const row = await this.db(LOCKS).where({ environment_key: key }).first();
    if (row?.holder === holder) return {};
    // Leases are deleted when let go: one still here after it expired was
    // left by a holder that stopped. Taken only if nobody took it first.
    if (row && Number(row.expires_at) <= now) {
      const taken = await this.db(LOCKS)
        .where({ environment_key: key, holder: row.holder })
        .where('expires_at', '<=', now)
        .update(lease);
      if (taken > 0) return { stoppedRun: row.held_for };
    }
    return undefined;
  }

  private async renew(key: string, holder: string) {
    await this.db(LOCKS)
      .where({ environment_key: key, holder })
      .update({ expires_at: this.now() + this.settings.leaseMs });
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Runs `change` holding the environment's lease when there are leases to
 * hold (a backend with a database) and something to change; dry runs and
 * requests that name no environment run as they are.
 */
export function exclusively<T>(
  locks: EnvironmentLocks | undefined,
  environmentRef: string | undefined,
  task: LockTask,
  change: (lease: Lease) => Promise<T>,
): Promise<T> {
  return locks && environmentRef
    ? locks.withLock(environmentRef, task, change)
    : change({});
}
