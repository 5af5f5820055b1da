/**
 * Turns the engine's events into what a developer reads in the task log:
 * one line per resource step, warnings, notices and a summary. Raw engine
 * output never reaches the log.
 */
import {
  ProvisionPlan,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type {
  ChangeCounts,
  EngineEvent,
  ResourceDescription,
  ResourceStep,
} from '../engine/engine';
import {
  LOGICAL_NAMES,
  RESOURCE_TYPES,
  StackState,
} from '../engine/stackModel';

export function describeChanges(changes: ChangeCounts): string {
  return `${changes.created} created, ${changes.updated} updated, ${changes.replaced} replaced, ${changes.deleted} deleted, ${changes.same} unchanged`;
}

/** The environment's definition, as log lines name it. */
export function escEnvironmentLabel(plan: ProvisionPlan): string {
  return `ESC environment ${plan.environmentRef} in Pulumi Cloud`;
}

/** Readable names for the plan's resources, by logical name. */
export function resourceLabels(plan: ProvisionPlan): Map<string, string> {
  return new Map<string, string>([
    [
      LOGICAL_NAMES.application,
      `Entra application '${plan.application.displayName}'`,
    ],
    [LOGICAL_NAMES.servicePrincipal, 'its service principal'],
    ...[...plan.credentials, ...plan.retiringCredentials].map(
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

/**
 * Readable names for what a stack holds, in the order a decommission
 * removes them: credentials, role assignments, service principal,
 * application.
 */
export function stateLabels(
  state: StackState,
  roles: RoleCatalogue,
): Map<string, string> {
  const roleName = (id: string) => {
    const guid = id.split('/').pop() ?? id;
    return roles.find(guid)?.name ?? guid;
  };
  const labels = new Map<string, string>([
    ...state.credentials.map(
      c =>
        [
          c.logicalName,
          `federated credential '${c.name}' for ${c.subject}`,
        ] as const,
    ),
    ...state.roleAssignments.map(
      r =>
        [
          r.logicalName,
          `role assignment '${roleName(r.roleDefinitionId)}' on ${r.scope}`,
        ] as const,
    ),
  ]);
  const held = new Set(state.held.map(r => r.name));
  if (held.has(LOGICAL_NAMES.servicePrincipal)) {
    labels.set(LOGICAL_NAMES.servicePrincipal, 'its service principal');
  }
  if (held.has(LOGICAL_NAMES.application)) {
    labels.set(
      LOGICAL_NAMES.application,
      `Entra application ${state.identity?.clientId ?? ''}`.trim(),
    );
  }
  return labels;
}

const PAST_TENSE: Record<ResourceStep, string> = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
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

/** Follows one operation's events. */
export class EngineProgress {
  private readonly pendingDeletes = new Map<string, string>();

  constructor(private readonly options: ProgressOptions) {}

  handle(event: EngineEvent): void {
    switch (event.type) {
      case 'step': {
        if (!this.isReported(event.resource.type)) return;
        const label = resourceLabel(event.resource, this.options.labels);
        // Deletions may complete without an outputs event; report them at the end.
        if (!event.done && event.step === 'delete') {
          this.pendingDeletes.set(event.resource.name, label);
        } else if (event.done) {
          this.pendingDeletes.delete(event.resource.name);
          this.options.info(`${PAST_TENSE[event.step]}: ${label}`);
        }
        return;
      }
      case 'failed':
        this.pendingDeletes.delete(event.resource.name);
        this.options.warn(
          `failed to ${event.step}: ${resourceLabel(
            event.resource,
            this.options.labels,
          )}`,
        );
        return;
      case 'diagnostic': {
        const text = this.options.redact(
          event.message.replace(/\s+/g, ' ').trim(),
        );
        // Errors come back in the engine's failure; others are warnings.
        if (text && event.severity === 'warning') {
          this.options.warn(`warning: ${text}`);
        }
        return;
      }
      case 'notice':
        this.options.info(this.options.redact(event.message));
        return;
      case 'summary':
        for (const label of this.pendingDeletes.values()) {
          this.options.info(`deleted: ${label}`);
        }
        this.pendingDeletes.clear();
        this.options.info(
          `Pulumi finished in ${event.durationSeconds}s: ${describeChanges(
            event.changes,
          )}`,
        );
        return;
      default:
    }
  }

  /** The stack and providers are bookkeeping, not part of what was asked for. */
  private isReported(type: string): boolean {
    return (
      type !== RESOURCE_TYPES.stack && !type.startsWith('pulumi:providers:')
    );
  }
}

/**
 * A readable name for a resource in an event: the plan's label, or one from
 * its inputs for resources no longer in the plan (a role assignment being
 * removed, a credential found changed in Entra).
 */
export function resourceLabel(
  resource: ResourceDescription,
  labels: Map<string, string> = new Map(),
): string {
  const known = labels.get(resource.name);
  if (known) return known;
  const inputs = resource.inputs ?? {};
  if (resource.type === RESOURCE_TYPES.credential && inputs.subject) {
    return `federated credential '${inputs.displayName}' for ${inputs.subject}`;
  }
  if (resource.type === RESOURCE_TYPES.roleAssignment && inputs.scope) {
    const role = String(inputs.roleDefinitionId ?? '')
      .split('/')
      .pop();
    return `role assignment ${role} on ${inputs.scope}`;
  }
  return `${resource.type.split(':').pop()} '${resource.name}'`;
}
