/**
 * ESC environments in Pulumi Cloud, through its REST API: read before the
 * identity is provisioned, so that one the portal may not overwrite stops the
 * run before any change; written once the identity exists.
 *
 * Kept out of the Pulumi program on purpose: the portal decides whether an
 * existing environment is its own, where a resource would fail on "already
 * exists" or silently take it over on import.
 */
import {
  EscEnvironmentRef,
  formatEnvironmentRef,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';

export type EscEnvironmentChange = 'created' | 'updated' | 'unchanged';

/** An environment's definition as last read, with the tag that versions it. */
export interface EscEnvironmentDefinition {
  yaml: string;
  etag?: string;
}

/** An opened environment's values, as plain JSON (secrets included). */
export type EscValues = Record<string, unknown>;

export interface EscEnvironments {
  /** The environment's current definition; undefined when it does not exist. */
  read(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined>;
  /**
   * Creates the environment when `current` is undefined, replaces its
   * definition otherwise; fails when it changed since `current` was read.
   */
  write(
    environment: EscEnvironmentRef,
    yaml: string,
    current: EscEnvironmentDefinition | undefined,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange>;
  /** Opens the environment, as `esc open` does, and returns its values. */
  open(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscValues>;
  /** Deletes the environment; false when it did not exist. */
  remove(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<boolean>;
  /**
   * What Pulumi Cloud knows to use the environment: environments that
   * import it and stacks that reference it; undefined where it cannot say.
   */
  referrers(
    environment: EscEnvironmentRef,
    signal?: AbortSignal,
  ): Promise<EscReferrers | undefined>;
  /**
   * Gives the Pulumi Cloud team `team` of the environment's organization
   * the `open` permission on it, never more: a team that holds less is
   * raised to `open`, one that holds `open` or more (an administrator's
   * choice) is left as it is. Safe to call again.
   */
  grantTeamOpen(
    environment: EscEnvironmentRef,
    team: string,
    signal?: AbortSignal,
  ): Promise<TeamGrant>;
  /**
   * The permission every member of the organization holds on its
   * environments unless a team or an administrator grants more.
   */
  defaultPermission(
    organization: string,
    signal?: AbortSignal,
  ): Promise<DefaultEnvironmentPermission>;
}

/**
 * Pulumi Cloud's environment permissions, weakest first: the values of
 * `TeamEnvironmentSettings.permission` and of the organization's
 * `defaultEnvironmentPermission` (https://www.pulumi.com/docs/reference/cloud-rest-api/schema/teamenvironmentsettings/,
 * https://www.pulumi.com/docs/reference/cloud-rest-api/schema/updateorganizationrequest/).
 * `open` and every permission after it let a member open the environment
 * (https://www.pulumi.com/docs/esc/administration/access-control/).
 */
export const ENVIRONMENT_PERMISSIONS = [
  'none',
  'read',
  'open',
  'write',
  'admin',
] as const;

export type EnvironmentPermission = (typeof ENVIRONMENT_PERMISSIONS)[number];

/** Whether holding `permission` lets a member open an environment. */
export function opens(permission: EnvironmentPermission): boolean {
  return (
    ENVIRONMENT_PERMISSIONS.indexOf(permission) >=
    ENVIRONMENT_PERMISSIONS.indexOf('open')
  );
}

/**
 * What granting a team `open` did: `granted` (it held nothing), `raised`
 * (from `none` or `read`), `unchanged` (it held `open`), `broader` (it
 * holds `write` or `admin`, left as it is).
 */
export type TeamGrant = 'granted' | 'raised' | 'unchanged' | 'broader';

/** The organization's default, or why Pulumi Cloud's API did not tell it. */
export type DefaultEnvironmentPermission =
  | { permission: EnvironmentPermission }
  | { unreadable: string };

/** `project/environment` of importers; `project/stack` of stacks. */
export interface EscReferrers {
  environments: string[];
  stacks: string[];
}

/** The environment changed in Pulumi Cloud between the read and the write. */
export class EscEnvironmentChangedError extends Error {
  name = 'EscEnvironmentChangedError';
  constructor(environment: EscEnvironmentRef, what: string) {
    super(
      `The ESC environment ${formatEnvironmentRef(
        environment,
      )} ${what}, so the portal did not write it. Run the template again.`,
    );
  }
}
