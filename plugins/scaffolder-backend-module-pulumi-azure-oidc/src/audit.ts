/**
 * The audit trail of the module's actions, through Backstage's auditor
 * service: who asked for which role at which scope, who handed an
 * environment over, who decommissioned or verified it, and how each ended.
 *
 * Records hold only references, roles, scopes and outcome words. Whatever
 * goes in passes through the module's SecretRedactor, and errors are
 * recorded by their name and words only (no stack, no cause), as the task
 * log shows them.
 */
import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  Requester,
  toEntityRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { JsonObject, JsonValue } from '@backstage/types';
import { SecretRedactor } from './secrets';

/** The audit events of the module (its plugin id, `scaffolder`, prefixes them). */
export const AUDIT_EVENTS = {
  /** A provision run: the roles and scopes asked for, and what was granted. */
  provision: 'esc-environment-provision',
  /** A provision run that gave the environment another owner. */
  handover: 'esc-environment-handover',
  /** A decommission run: what was removed, and what was kept. */
  decommission: 'esc-environment-decommission',
  /** A verification of the environment's trust. */
  verify: 'esc-environment-verify',
} as const;

/** What an action needs to keep an audit trail; without an auditor it keeps none. */
export interface AuditOptions {
  /** `coreServices.auditor`. */
  auditor?: AuditorService;
  /** Masks the configured secrets in everything recorded. */
  redactor?: SecretRedactor;
}

/** One event: its id, its severity, and what is known when it begins. */
export interface AuditEventStart {
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta: JsonObject;
}

/**
 * Severities, after Backstage's guidance (low: normal usage; medium: write
 * endpoints; high: non-root permission changes; critical: root permission
 * changes). Provisioning, handing over and decommissioning grant, move or
 * remove Azure role assignments and the right to change the environment:
 * non-root permission changes. (Privileged roles, which the guardrails
 * refuse unless a platform team allows them, are marked in the provision
 * event's meta.) Dry runs change nothing but are still recorded, as the
 * catalog records its dry runs, at `low`: who tried what is worth keeping.
 */
export function changeSeverity(
  dryRun: boolean,
): AuditorServiceEventSeverityLevel {
  return dryRun ? 'low' : 'high';
}

/** What every event of a task says of it: who asked, and in which task. */
export function taskMeta(
  ctx: { task?: { id?: string }; templateInfo?: { entityRef?: string } },
  requester: Requester,
): JsonObject {
  return {
    requester: requester.userEntityRef,
    ...(requester.administrator ? { administrator: true } : {}),
    ...(ctx.task?.id ? { taskId: ctx.task.id } : {}),
    ...(ctx.templateInfo?.entityRef
      ? { templateRef: ctx.templateInfo.entityRef }
      : {}),
  };
}

/** Whether two owner references name the same owner (`team` is `group:default/team`). */
export function sameOwner(a: string, b: string): boolean {
  const normalize = (ref: string) =>
    (toEntityRef(ref, 'group') ?? ref).toLowerCase();
  return normalize(a) === normalize(b);
}

/** The auditor of one action, with its redactor. */
export class ActionAuditor {
  constructor(private readonly options: AuditOptions = {}) {}

  /**
   * Records `start`, runs `work`, then records its success (with what
   * `outcome` says of its result) or its failure, and returns or throws
   * what `work` did.
   */
  async run<T>(
    start: AuditEventStart,
    work: () => Promise<T>,
    outcome?: (result: T) => JsonObject,
  ): Promise<T> {
    const { auditor } = this.options;
    if (!auditor) return work();
    const event = await auditor.createEvent({
      ...start,
      meta: this.clean(start.meta),
    });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // The action's own error is what the task shows, whatever the auditor does.
      await event.fail({ error: this.wordsOnly(error) }).catch(() => undefined);
      throw error;
    }
    await event.success(
      outcome ? { meta: this.clean(outcome(result)) } : undefined,
    );
    return result;
  }

  /** Records something that has already happened. */
  async record(start: AuditEventStart): Promise<void> {
    await this.run(start, async () => undefined);
  }

  /** Every string of `meta`, its secrets masked. */
  private clean(meta: JsonObject): JsonObject {
    const redactor = this.options.redactor;
    const clean = (value: JsonValue | undefined): JsonValue | undefined => {
      if (typeof value === 'string') {
        return redactor ? redactor.redact(value) : value;
      }
      if (Array.isArray(value)) return value.map(v => clean(v) ?? null);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value)
            .map(([key, v]) => [key, clean(v)] as const)
            .filter(([, v]) => v !== undefined),
        );
      }
      return value;
    };
    return clean(meta) as JsonObject;
  }

  /**
   * A copy of the error with its name and words only, its secrets masked:
   * no stack (server paths), no cause (a command's output, a response).
   */
  private wordsOnly(error: unknown): Error {
    const failure = isError(error) ? error : new Error(String(error));
    const redact = (text: string) =>
      this.options.redactor ? this.options.redactor.redact(text) : text;
    const copy = new Error(redact(failure.message));
    copy.name = failure.name;
    copy.stack = `${copy.name}: ${copy.message}`;
    return copy;
  }
}
