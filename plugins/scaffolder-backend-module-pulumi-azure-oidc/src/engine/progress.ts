/**
 * Turns Pulumi engine events into what a developer reads in the task log:
 * one line per resource step, warnings, and a summary. Raw engine output
 * never reaches the log.
 */
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { EngineEvent, OpMap, OpType } from '@pulumi/pulumi/automation';
import { LOGICAL_NAMES } from './program';
import { RESOURCE_TYPES } from './stackState';

export type ChangeCounts = {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
  same: number;
};

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

export function describeChanges(changes: ChangeCounts): string {
  return `${changes.created} created, ${changes.updated} updated, ${changes.replaced} replaced, ${changes.deleted} deleted, ${changes.same} unchanged`;
}

/** Readable names for the plan's resources, by logical name. */
export function resourceLabels(plan: ProvisionPlan): Map<string, string> {
  return new Map<string, string>([
    [
      LOGICAL_NAMES.application,
      `Entra application '${plan.application.displayName}'`,
    ],
    [LOGICAL_NAMES.servicePrincipal, 'its service principal'],
    ...plan.credentials.map(
      c =>
        [
          c.logicalName,
          `federated credential '${c.name}' for ${c.subject}`,
        ] as const,
    ),
    ...plan.roleAssignments.map(
      r =>
        [
          r.logicalName,
          `role assignment '${r.role.name}' on ${r.scope.id}`,
        ] as const,
    ),
  ]);
}

const PAST_TENSE: Partial<Record<OpType, string>> = {
  create: 'created',
  update: 'updated',
  'create-replacement': 'replaced',
  delete: 'deleted',
  same: 'unchanged',
  read: 'read',
  import: 'imported',
  refresh: 'refreshed',
};

export interface ProgressOptions {
  labels: Map<string, string>;
  info(line: string): void;
  warn(line: string): void;
  redact(text: string): string;
}

/** Follows one update's events; `errors()` holds what the engine reported as failing. */
export class EngineProgress {
  private readonly pendingDeletes = new Map<string, string>();
  private readonly errorMessages: string[] = [];

  constructor(private readonly options: ProgressOptions) {}

  handle(event: EngineEvent): void {
    if (event.resourcePreEvent) {
      const { op, urn, type } = event.resourcePreEvent.metadata;
      // Deletions may complete without an outputs event; report them at the end.
      if (op === 'delete' && this.isReported(type)) {
        this.pendingDeletes.set(
          urn,
          this.label(event.resourcePreEvent.metadata),
        );
      }
    } else if (event.resOutputsEvent) {
      const metadata = event.resOutputsEvent.metadata;
      this.pendingDeletes.delete(metadata.urn);
      const verb = PAST_TENSE[metadata.op];
      if (verb && this.isReported(metadata.type)) {
        this.options.info(`${verb}: ${this.label(metadata)}`);
      }
    } else if (event.resOpFailedEvent) {
      const metadata = event.resOpFailedEvent.metadata;
      this.pendingDeletes.delete(metadata.urn);
      this.options.warn(`failed to ${metadata.op}: ${this.label(metadata)}`);
    } else if (event.diagnosticEvent) {
      const { severity, message } = event.diagnosticEvent;
      const text = this.options.redact(tidy(message));
      if (!text) return;
      if (severity === 'error') {
        this.errorMessages.push(text);
      } else if (severity === 'warning') {
        this.options.warn(`warning: ${text}`);
      }
    } else if (event.summaryEvent) {
      for (const label of this.pendingDeletes.values()) {
        this.options.info(`deleted: ${label}`);
      }
      this.pendingDeletes.clear();
      const { resourceChanges, durationSeconds } = event.summaryEvent;
      this.options.info(
        `Pulumi finished in ${durationSeconds}s: ${describeChanges(
          countChanges(resourceChanges),
        )}`,
      );
    }
  }

  /** Error diagnostics reported so far, redacted. */
  errors(): string[] {
    return [...this.errorMessages];
  }

  /** The stack and providers are bookkeeping, not part of what was asked for. */
  private isReported(type: string): boolean {
    return (
      type !== 'pulumi:pulumi:Stack' && !type.startsWith('pulumi:providers:')
    );
  }

  private label(metadata: {
    urn: string;
    type: string;
    old?: { inputs: Record<string, any> };
    new?: { inputs: Record<string, any> };
  }): string {
    const name = metadata.urn.split('::').pop() ?? metadata.urn;
    const known = this.options.labels.get(name);
    if (known) return known;
    // Resources no longer in the plan, such as a role assignment being removed.
    const inputs = metadata.old?.inputs ?? metadata.new?.inputs ?? {};
    if (metadata.type === RESOURCE_TYPES.credential && inputs.subject) {
      return `federated credential '${inputs.displayName}' for ${inputs.subject}`;
    }
    if (metadata.type === RESOURCE_TYPES.roleAssignment && inputs.scope) {
      const role = String(inputs.roleDefinitionId ?? '')
        .split('/')
        .pop();
      return `role assignment ${role} on ${inputs.scope}`;
    }
    return `${metadata.type.split(':').pop()} '${name}'`;
  }
}

/** One paragraph, without the engine's indentation (colours are off). */
function tidy(message: string): string {
  return message
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .join(' ');
}
