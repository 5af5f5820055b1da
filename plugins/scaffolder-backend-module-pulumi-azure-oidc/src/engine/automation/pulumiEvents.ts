/**
 * Pulumi's engine events and counts, in the engine interface's words: the
 * only place that reads them.
 */
import type {
  EngineEvent as PulumiEvent,
  OpMap,
  OpType,
} from '@pulumi/pulumi/automation';
import type {
  ChangeCounts,
  EngineEvent,
  ResourceDescription,
  ResourceStep,
} from '../engine';
import { logicalNameOf } from '../stackModel';

/** Pulumi's per-operation counts, in the terms the action reports. */
export function countChanges(changes: OpMap | undefined): ChangeCounts {
  const count = (op: OpType) => changes?.[op] ?? 0;
  return {
    created: count('create'),
    updated: count('update'),
    replaced: count('replace'),
    deleted: count('delete'),
    same: count('same'),
  };
}

/** The steps a reader cares about; a replacement is told by its create. */
const STEPS: Partial<Record<OpType, ResourceStep>> = {
  create: 'create',
  update: 'update',
  'create-replacement': 'replace',
  delete: 'delete',
  same: 'same',
  read: 'read',
  import: 'import',
  refresh: 'refresh',
};

type StepMetadata = {
  op: OpType;
  urn: string;
  type: string;
  old?: { inputs: Record<string, any> };
  new?: { inputs: Record<string, any> };
  diffs?: string[];
  detailedDiff?: Record<string, unknown>;
};

function resourceOf(metadata: StepMetadata): ResourceDescription {
  const changed = metadata.detailedDiff
    ? Object.keys(metadata.detailedDiff)
    : metadata.diffs;
  return {
    type: metadata.type,
    name: logicalNameOf(metadata.urn),
    inputs: metadata.old?.inputs ?? metadata.new?.inputs,
    ...(changed?.length ? { changed } : {}),
  };
}

/** The module's event for one of Pulumi's; nothing for bookkeeping events. */
export function fromPulumiEvent(event: PulumiEvent): EngineEvent | undefined {
  const pre = event.resourcePreEvent?.metadata;
  const done = event.resOutputsEvent?.metadata;
  const step = (pre ?? done) as StepMetadata | undefined;
  if (step) {
    const kind = STEPS[step.op];
    return (
      kind && {
        type: 'step',
        step: kind,
        done: !pre,
        resource: resourceOf(step),
      }
    );
  }
  const failed = event.resOpFailedEvent?.metadata as StepMetadata | undefined;
  if (failed) {
    return {
      type: 'failed',
      step: STEPS[failed.op] ?? 'update',
      resource: resourceOf(failed),
    };
  }
  const diagnostic = event.diagnosticEvent;
  if (diagnostic) {
    return {
      type: 'diagnostic',
      severity:
        diagnostic.severity === 'error' || diagnostic.severity === 'warning'
          ? diagnostic.severity
          : 'info',
      message: diagnostic.message,
      resourceName: diagnostic.urn ? logicalNameOf(diagnostic.urn) : undefined,
    };
  }
  const summary = event.summaryEvent;
  if (summary) {
    return {
      type: 'summary',
      changes: countChanges(summary.resourceChanges),
      durationSeconds: summary.durationSeconds,
    };
  }
  return undefined;
}
