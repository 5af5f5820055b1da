/**
 * A verification on request (the verify action, the entity page's button):
 * who may ask, the checks, what the task log shows, and the result kept
 * for the entity page.
 */
import { Requester } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { EnvironmentEngine } from '../engine/engine';
import { Stewardship } from '../provisioning/stewardship';
import { CustomErrorBase } from '@backstage/errors';
import { Check, CheckResult } from './checks';
import { EnvironmentTarget } from './environmentTarget';
import { LifecycleStore, RecordedCheck } from './lifecycleStore';
import { TrustVerifier } from './trustVerifier';

export interface VerificationTask {
  target: EnvironmentTarget;
  requester: Requester;
  signal?: AbortSignal;
  log?: { info(line: string): void; warn(line: string): void };
}

/** One line of the task log per check. */
export function describeCheck(check: Check): string {
  return `${check.status}: ${check.name}: ${check.detail}`;
}

export type VerificationStatus = 'passed' | 'failed' | 'incomplete';

/** `passed`, `failed` (something is broken) or `incomplete` (something could not run). */
export function statusOf(result: CheckResult): VerificationStatus {
  if (result.ok) return 'passed';
  return result.checks.some(c => c.status === 'failed')
    ? 'failed'
    : 'incomplete';
}

export class Verification {
  constructor(
    private readonly options: {
      engine: EnvironmentEngine;
      verifier: TrustVerifier;
      stewardship: Stewardship;
      store: LifecycleStore;
    },
  ) {}

  /** Owners and administrators may verify: it opens the environment as the portal. */
  async run(
    task: VerificationTask,
  ): Promise<RecordedCheck & { status: VerificationStatus }> {
    const { target, requester, signal, log } = task;
    const { engine, stewardship, verifier } = this.options;
    const state = await stewardship.authorizeEnvironment(
      requester,
      { verb: 'verify', ...target },
      target.environment,
      engine,
      signal,
    );
    const result = await verifier.verify(target.environment, {
      signal,
      state,
    });
    for (const check of result.checks) {
      if (check.status === 'passed') log?.info(describeCheck(check));
      else log?.warn(describeCheck(check));
    }
    const recorded = {
      ...result,
      kind: 'verify' as const,
      status: statusOf(result),
      checkedAt: new Date().toISOString(),
    };
    await this.options.store.record(target.environmentRef, recorded);
    return recorded;
  }
}

/** A verification found a broken link, or could not check one. */
export class VerificationFailedError extends CustomErrorBase {
  name = 'VerificationFailedError' as const;
  constructor(environmentRef: string, result: CheckResult) {
    super(
      `The trust of ${environmentRef} is ${
        statusOf(result) === 'failed' ? 'broken' : 'not fully checked'
      }:\n${result.checks
        .filter(c => c.status !== 'passed')
        .map(c => `- ${describeCheck(c)}`)
        .join('\n')}`,
    );
  }
}
