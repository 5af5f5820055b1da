/**
 * The preview worker: runs plans under Pulumi's mocks in a thread of its
 * own, one at a time (see previewRunner.ts).
 */
import { isMainThread } from 'node:worker_threads';
import type { PreviewResult } from '../engine';
import type { PreviewRequest } from './previewRunner';
import { mockRun } from './mockRun';

// Pulumi attaches `new Error().stack` to every promise it makes
// (@pulumi/pulumi runtime/debuggable.js), and with source maps on each
// capture is mapped: most of a mock run's time. A preview thread needs no
// stacks; the main thread keeps its own.
if (!isMainThread) {
  Error.stackTraceLimit = 0;
  // A program that fails leaves Pulumi's own promises rejecting after its
  // run has reported the failure; in this thread they can only be echoes.
  process.on('unhandledRejection', () => {});
}

export default async function preview(
  request: PreviewRequest,
): Promise<PreviewResult> {
  const { resources, outputs } = await mockRun(request.plan, request);
  return {
    resources: resources.map(({ type, name }) => ({ type, name })),
    outputs,
  };
}
