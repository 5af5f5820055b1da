/**
 * Drift: what someone changed behind the portal's back. A round checks each
 * environment in the catalog: the engine's refresh in preview (nothing is
 * written), the definition in Pulumi Cloud against the one the stack
 * rendered, and the verify checks. It changes nothing; the fix is a re-run
 * of the template. A round runs on one replica at a time (the scheduler's
 * global scope), a bounded number of environments at once, and records
 * each environment it finished, so that a round interrupted by a restart
 * resumes where it stopped.
 */
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  environmentRefFromAnnotations,
  ESC_ENVIRONMENT_ENTITY_TYPE,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Drift, EnvironmentEngine } from '../engine/engine';
import { resourceLabel } from '../provisioning/progress';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { parseEnvironmentRef } from './environmentTarget';
import { LifecycleStore, RecordedCheck } from './lifecycleStore';
import { TrustVerifier } from './trustVerifier';
import { statusOf } from './verification';

export interface DriftMonitorOptions {
  engine: EnvironmentEngine;
  verifier: TrustVerifier;
  store: LifecycleStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  escEnvironments?: EscEnvironments;
  /** Environments checked at once; each real check starts a CLI and its providers. */
  concurrency: number;
}

export interface RoundSummary {
  checked: number;
  /** Checked by an earlier, interrupted run of this round. */
  resumed: number;
  drifted: number;
  failed: number;
}

export class DriftMonitor {
  constructor(private readonly options: DriftMonitorOptions) {}

  async runRound(signal?: AbortSignal): Promise<RoundSummary> {
    const { store, logger, concurrency } = this.options;
    const round = await store.currentRound(new Date());
    const environments = await this.environments();
    const todo = environments.filter(ref => !round.done.has(ref));
    const summary: RoundSummary = {
      checked: 0,
      resumed: environments.length - todo.length,
      drifted: 0,
      failed: 0,
    };
    await inParallel(todo, concurrency, async environmentRef => {
      if (signal?.aborted) return;
      const result = await this.check(environmentRef, signal);
      await store.record(environmentRef, result);
      await store.markChecked(round.id, environmentRef);
      summary.checked += 1;
      if (result.status === 'drifted') summary.drifted += 1;
      if (result.status === 'failed') summary.failed += 1;
    });
    if (signal?.aborted) return summary;
    await store.finishRound(round.id, new Date());
    logger.info(
      `Drift round ${round.id}: ${summary.checked} environments checked (${summary.resumed} before a restart), ${summary.drifted} drifted, ${summary.failed} broken`,
    );
    return summary;
  }

  /** One environment: what drifted, and whether its trust works. */
  async check(
    environmentRef: string,
    signal?: AbortSignal,
  ): Promise<RecordedCheck> {
    const checkedAt = new Date().toISOString();
    const environment = parseEnvironmentRef(environmentRef)!;
    try {
      const { engine, verifier } = this.options;
      const state = await engine.outputs(environment, { signal });
      const drift: string[] = [];
      if (state.resources > 0) {
        const refreshed = await engine.refresh(environment, { signal });
        drift.push(...refreshed.drift.map(describeDrift));
      }
      drift.push(
        ...(await this.definitionDrift(environmentRef, state, signal)),
      );
      const verification = await verifier.verify(environment, {
        signal,
        state,
      });
      const status = statusOf(verification);
      return {
        ...verification,
        kind: 'drift',
        status: drift.length > 0 && status !== 'failed' ? 'drifted' : status,
        checkedAt,
        drift,
      };
    } catch (error) {
      // One environment's failure does not stop the round.
      const detail = isError(error) ? error.message : String(error);
      this.options.logger.warn(
        `Drift check of ${environmentRef} could not run: ${detail}`,
      );
      return {
        kind: 'drift',
        ok: false,
        status: 'incomplete',
        checkedAt,
        checks: [
          { name: 'drift', status: 'skipped', detail: `not run: ${detail}` },
        ],
        drift: [],
      };
    }
  }

  /** The definition in Pulumi Cloud, against the one the stack last rendered. */
  private async definitionDrift(
    environmentRef: string,
    state: Awaited<ReturnType<EnvironmentEngine['outputs']>>,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const rendered = state.identity?.environmentYaml;
    const { escEnvironments } = this.options;
    if (!escEnvironments || !rendered) return [];
    const current = await escEnvironments.read(
      parseEnvironmentRef(environmentRef)!,
      signal,
    );
    if (!current) return ['gone: the ESC environment in Pulumi Cloud'];
    return current.yaml === rendered
      ? []
      : ["changed: the ESC environment's definition, outside the portal"];
  }

  /** Every ESC environment the catalog holds, read with the module's own credentials. */
  private async environments(): Promise<string[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'Resource', 'spec.type': ESC_ENVIRONMENT_ENTITY_TYPE },
        fields: ['metadata.annotations'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const refs = items
      .map(entity => environmentRefFromAnnotations(entity.metadata.annotations))
      .filter((ref): ref is string => !!ref && !!parseEnvironmentRef(ref));
    return [...new Set(refs)].sort();
  }
}

/** Runs `work` over the items, at most `limit` at a time. */
async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        await work(items[next++]);
      }
    },
  );
  await Promise.all(lanes);
}

/** One line for a resource that differs: `changed: <label> (<properties>)`. */
export function describeDrift(drift: Drift): string {
  const changed = drift.resource.changed
    ? ` (${drift.resource.changed.join(', ')})`
    : '';
  return `${drift.change}: ${resourceLabel(drift.resource)}${changed}`;
}
