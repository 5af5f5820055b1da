import { createHash } from 'node:crypto';
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

/** The Pulumi project that holds one stack per ESC environment. */
export const PULUMI_PROJECT = 'esc-azure-oidc';

const STACK_NAME_MAX_LENGTH = 100;

/**
 * `<org>.<project>.<environment>-<hash>`: readable in Pulumi's console, and
 * unique even where dots make two references read alike (`a.b/c` vs `a/b.c`).
 */
export function stackNameFor(environment: EscEnvironmentRef): string {
  const hash = createHash('sha256')
    .update(formatEnvironmentRef(environment))
    .digest('hex')
    .slice(0, 12);
  const readable = [
    environment.organization,
    environment.project,
    environment.environment,
  ]
    .join('.')
    .slice(0, STACK_NAME_MAX_LENGTH - hash.length - 1);
  return `${readable}-${hash}`;
}
