/**
 * Where dry runs run. Pulumi's runtime settings are per thread, so each mock
 * run needs a thread of its own or a turn: by default a warm worker thread
 * (more by config), which also keeps Pulumi off the backend's main thread
 * and lets dry runs use the other cores; with no workers, one after another
 * on the main thread.
 */
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { PreviewResult } from '../engine';

export interface PreviewRequest {
  plan: ProvisionPlan;
  stackName: string;
  /** The tenant, when configured; a placeholder otherwise. */
  tenantId?: string;
}

export interface PreviewRunner {
  run(request: PreviewRequest): Promise<PreviewResult>;
  close(): Promise<void>;
}

export interface PreviewRunnerOptions {
  /** Worker threads; 0 runs previews on the calling thread, in turn. */
  workers: number;
  /** Node options of the workers (default: the backend's own). */
  execArgv?: string[];
  /** How long an idle worker stays warm. */
  idleMilliseconds?: number;
  /** A worker that failed between previews (it is replaced). */
  onWorkerError?(error: Error): void;
}

/** Where the worker's code is, in source and in the built package. */
export const PREVIEW_WORKER =
  '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc/preview-worker';

export function createPreviewRunner(
  options: PreviewRunnerOptions,
): PreviewRunner {
  return options.workers > 0 ? workerPreviews(options) : inTurnPreviews();
}

/** Piscina starts a worker on the first dry run and keeps it warm. */
function workerPreviews(options: PreviewRunnerOptions): PreviewRunner {
  let pool: import('piscina').Piscina | undefined;
  const start = () => {
    // Loaded on the first dry run: a backend that never previews pays nothing.
    const { Piscina } = require('piscina') as typeof import('piscina');
    const workers = new Piscina({
      filename: require.resolve(PREVIEW_WORKER),
      minThreads: 0,
      maxThreads: options.workers,
      idleTimeout: options.idleMilliseconds ?? 10 * 60_000,
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    });
    // Unheard, a pool's error event would stop the backend.
    workers.on('error', error => options.onWorkerError?.(error));
    return workers;
  };
  return {
    async run(request) {
      pool ??= start();
      return pool.run(request);
    },
    async close() {
      await pool?.destroy();
    },
  };
}

function inTurnPreviews(): PreviewRunner {
  let last: Promise<unknown> = Promise.resolve();
  return {
    run(request) {
      const turn = last.then(async () => {
        const { default: preview } =
          require('./previewWorker') as typeof import('./previewWorker');
        return preview(request);
      });
      last = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      await last;
    },
  };
}
