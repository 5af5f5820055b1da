/**
 * What the portal knows of an environment's health, as the scaffolder
 * module serves it to the entity page: the last verify results and drift
 * checks, newest first.
 */
import { EscEnvironmentRef } from './oidc';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One link of a trust, checked. */
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface CheckResult {
  /** Every check passed; a skipped one leaves it false. */
  ok: boolean;
  checks: Check[];
}

/** A check's outcome, kept. */
export interface RecordedCheck extends CheckResult {
  kind: 'verify' | 'drift';
  /** `incomplete`: a check could not run; `drifted`: drift checks only. */
  status: 'passed' | 'failed' | 'incomplete' | 'drifted';
  /** ISO 8601. */
  checkedAt: string;
  /** What differs from the stack, for drift checks. */
  drift?: string[];
}

export interface EnvironmentStatus {
  environmentRef: string;
  verify: RecordedCheck[];
  drift: RecordedCheck[];
}

/** Under the scaffolder's base URL: `GET …/status`, `POST …/verify`. */
export function environmentStatusPath(environment: EscEnvironmentRef): string {
  return `/pulumi-azure-oidc/environments/${[
    environment.organization,
    environment.project,
    environment.environment,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** An environment's latest check of each kind, for lists of environments. */
export interface LatestChecks {
  verify?: RecordedCheck;
  drift?: RecordedCheck;
}

/**
 * Under the scaffolder's base URL: `POST` `{ environmentRefs: [...] }`
 * answers the latest checks of each environment the caller may see, by
 * reference.
 */
export const LATEST_CHECKS_PATH =
  '/pulumi-azure-oidc/environments/latest-checks';

/** How many environments one request may ask about. */
export const LATEST_CHECKS_LIMIT = 500;
