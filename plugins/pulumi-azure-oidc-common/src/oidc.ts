/**
 * How Pulumi Cloud's OIDC tokens for ESC look, and therefore which federated
 * identity credentials an Entra application needs to trust them.
 *
 * Entra matches issuer, audience and subject exactly and case-sensitively,
 * with no wildcards. The formats are Pulumi's documented ones
 * (pulumi.com/docs/pulumi-cloud/access-management/oidc/provider/azure/) and
 * what `pulumi env setup azure` writes (pulumi/pulumi, pkg/cloudsetup).
 */
import { DEFAULT_ESC_PROJECT } from './names';

/** Pulumi Cloud's API; self-hosted installations have their own. */
export const PULUMI_CLOUD_API_URL = 'https://api.pulumi.com';

/** An ESC environment: `organization/project/environment`. */
export interface EscEnvironmentRef {
  organization: string;
  project: string;
  environment: string;
}

export function formatEnvironmentRef(ref: EscEnvironmentRef): string {
  return `${ref.organization}/${ref.project}/${ref.environment}`;
}

/**
 * The environment's name as plain subjects carry it: `project/environment`,
 * or just `environment` in the legacy `default` project.
 */
export function tokenEnvironmentName(project: string, environment: string) {
  return project === DEFAULT_ESC_PROJECT
    ? environment
    : `${project}/${environment}`;
}

/**
 * How `currentEnvironment.name` and `rootEnvironment.name` may spell an
 * environment: `project/environment`; in the `default` project the name as
 * the caller wrote it, `default/<env>` when opened by its three-part name and
 * `<env>` by the legacy two-part one. A credential per spelling.
 */
export function attributeSpellings(
  project: string,
  environment: string,
): string[] {
  return project === DEFAULT_ESC_PROJECT
    ? [`${project}/${environment}`, environment]
    : [`${project}/${environment}`];
}

/**
 * The issuer of Pulumi Cloud's OIDC tokens: `<scheme>://<api host>/oidc`.
 * Never with a trailing slash, which Entra would not match (AADSTS700211).
 */
export function oidcIssuer(apiUrl: string = PULUMI_CLOUD_API_URL): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`The Pulumi Cloud API URL '${apiUrl}' is not a URL`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(
      `The Pulumi Cloud API URL '${apiUrl}' must use https: Entra only trusts https issuers`,
    );
  }
  return `${url.origin}/oidc`;
}

/**
 * The audience of ESC's Azure tokens: `azure:<org>` for environments in a
 * named project, the bare `<org>` in the legacy `default` project.
 */
export function oidcAudience(ref: EscEnvironmentRef): string {
  return ref.project === DEFAULT_ESC_PROJECT
    ? ref.organization
    : `azure:${ref.organization}`;
}

/**
 * The plain subject: `pulumi:environments:org:<org>:env:<name>`, naming the
 * environment that was opened (not necessarily the one holding the login).
 */
export function environmentSubject(ref: EscEnvironmentRef): string {
  return `pulumi:environments:org:${
    ref.organization
  }:env:${tokenEnvironmentName(ref.project, ref.environment)}`;
}

/**
 * The plain subject when a Pulumi IaC stack opens the environment: the
 * literal `<yaml>` instead of a name (pulumi/pulumi#14509, pulumi/esc#173).
 */
export function iacImportSubject(organization: string): string {
  return `pulumi:environments:org:${organization}:env:<yaml>`;
}

/** The attributes a login block may list in `subjectAttributes` that name environments. */
export const SUBJECT_ATTRIBUTES = [
  'currentEnvironment.name',
  'rootEnvironment.name',
] as const;
export type SubjectAttribute = (typeof SUBJECT_ATTRIBUTES)[number];

/** What `pulumi env setup azure` writes, and the default for new environments. */
export const DEFAULT_SUBJECT_ATTRIBUTES: SubjectAttribute[] = [
  'currentEnvironment.name',
];

/**
 * The subject when the login block lists `subjectAttributes`: the
 * organization, then each attribute with its value, in the listed order.
 */
export function subjectAttributesSubject(
  organization: string,
  attributes: ReadonlyArray<readonly [string, string]>,
): string {
  const parts = attributes.map(
    ([attribute, value]) => `:${attribute}:${value}`,
  );
  return `pulumi:environments:pulumi.organization.login:${organization}${parts.join(
    '',
  )}`;
}

/**
 * How tokens for the environment name it: `subjectAttributes`, naming the
 * environment that holds the login whoever opens it (the default), or the
 * plain `environment` subject, naming the environment that was opened.
 */
export type SubjectMode = 'environment' | 'subjectAttributes';
export const SUBJECT_MODES: readonly SubjectMode[] = [
  'subjectAttributes',
  'environment',
];
