/**
 * The outcome of a check of an environment, link by link: what passed,
 * what failed and why, and what could not run and why. A check that could
 * not run is never reported as passed.
 */
import { isError } from '@backstage/errors';
import {
  Check,
  CheckResult,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { ServiceUnreachableError } from '../http/httpClient';

export type { Check, CheckResult };

/** Checks in the order they ran. */
export class CheckList {
  readonly checks: Check[] = [];

  passed(name: string, detail: string) {
    this.checks.push({ name, status: 'passed', detail });
  }

  failed(name: string, detail: string) {
    this.checks.push({ name, status: 'failed', detail });
  }

  skipped(name: string, detail: string) {
    this.checks.push({ name, status: 'skipped', detail });
  }

  /** Whether the named check passed. */
  hasPassed(name: string): boolean {
    return this.checks.some(c => c.name === name && c.status === 'passed');
  }

  /**
   * Runs a check that calls a service: a service that cannot be reached
   * skips it, with the reason; any other error fails it.
   */
  async run(name: string, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      const message = isError(error) ? error.message : String(error);
      if (error instanceof ServiceUnreachableError) {
        this.skipped(name, `not run: ${message}`);
      } else {
        this.failed(name, message);
      }
    }
  }

  result(): CheckResult {
    return {
      ok:
        this.checks.length > 0 &&
        this.checks.every(check => check.status === 'passed'),
      checks: this.checks,
    };
  }
}
