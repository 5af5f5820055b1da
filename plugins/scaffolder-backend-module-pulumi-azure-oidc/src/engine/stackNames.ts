import { createHash } from 'node:crypto';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** The Pulumi project that holds one stack per ESC environment. */
export const PULUMI_PROJECT = 'esc-azure-oidc';

const STACK_NAME_MAX_LENGTH = 100;

/**
 * `<org>.<project>.<environment>-<hash>` in lower case: readable in Pulumi's
 * console, unique even where dots make two references read alike (`a.b/c`
 * vs `a/b.c`), and the same whatever the backend makes of letter case, so
 * that references differing only in case meet at one stack, where
 * stewardship tells them apart.
 */
export function stackNameFor(environment: EscEnvironmentRef): string {
  const reference = formatEnvironmentRef(environment).toLowerCase();
  const hash = createHash('sha256')
    .update(reference)
    .digest('hex')
    .slice(0, 12);
  const readable = [
    environment.organization,
    environment.project,
    environment.environment,
  ]
    .join('.')
    .toLowerCase()
    .slice(0, STACK_NAME_MAX_LENGTH - hash.length - 1);
  return `${readable}-${hash}`;
}
