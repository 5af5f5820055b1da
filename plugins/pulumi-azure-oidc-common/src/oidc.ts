/**
 * How Pulumi Cloud's OIDC tokens for ESC look, and therefore which federated
 * identity credentials an Entra application needs to trust them.
 *
 * Entra matches issuer, audience and subject exactly and case-sensitively,
 * with no wildcards. The formats are Pulumi's documented ones
 * (pulumi.com/docs/pulumi-cloud/access-management/oidc/provider/azure/) and
 * what `pulumi env setup azure` writes (pulumi/pulumi, pkg/cloudsetup).
 */
import { fingerprint } from './hash';
import { DEFAULT_ESC_PROJECT } from './names';

/** Pulumi Cloud's API; self-hosted installations have their own. */
export const PULUMI_CLOUD_API_URL = 'https://api.pulumi.com';

/** Entra refuses more federated identity credentials than this per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** Entra's limits on a federated identity credential. */
const CREDENTIAL_NAME_MAX_LENGTH = 120;
const CREDENTIAL_SUBJECT_MAX_LENGTH = 600;

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

export interface TrustRequest {
  environment: EscEnvironmentRef;
  issuer: string;
  subjectMode: SubjectMode;
  /** The login block's `subjectAttributes`, in order (subjectAttributes mode). */
  subjectAttributes: SubjectAttribute[];
  /**
   * Environments (`project/environment`, same organization) that import this
   * one and are opened as the root; each needs its own credential when the
   * subject carries `rootEnvironment.name`.
   */
  rootEnvironments: string[];
  /** Also trust Pulumi IaC stacks that import the environment (plain subject). */
  includeIacSubject: boolean;
}

/** One federated identity credential on the environment's Entra application. */
export interface FederatedCredentialSpec {
  /** Entra's name for it: unique per application, immutable once created. */
  name: string;
  issuer: string;
  audience: string;
  subject: string;
  description: string;
}

/**
 * The federated identity credentials that let exactly this environment log
 * in, and nothing else. Each name says what kind of subject it trusts;
 * `nameCredentials` keeps the names a stack already holds.
 */
export function federatedCredentials(
  request: TrustRequest,
): FederatedCredentialSpec[] {
  const { environment, issuer } = request;
  const audience = oidcAudience(environment);
  const envRef = formatEnvironmentRef(environment);
  const credential = (name: string, subject: string, description: string) => ({
    name,
    issuer,
    audience,
    subject,
    description,
  });

  const credentials: FederatedCredentialSpec[] = [];
  if (request.subjectMode === 'environment') {
    credentials.push(
      credential(
        'pulumi-esc-environment',
        environmentSubject(environment),
        `Pulumi ESC environment ${envRef}`,
      ),
    );
  } else {
    const { organization, project } = environment;
    const own = `${project}/${environment.environment}`;
    const listed = (attribute: SubjectAttribute) =>
      request.subjectAttributes.includes(attribute);
    // Every spelling the token may carry, combined: one credential each.
    const currents = listed('currentEnvironment.name')
      ? attributeSpellings(project, environment.environment)
      : [undefined];
    const roots = listed('rootEnvironment.name')
      ? [own, ...request.rootEnvironments].flatMap(root => {
          const [rootProject, rootName] = root.split('/');
          return attributeSpellings(rootProject, rootName);
        })
      : [undefined];
    for (const current of currents) {
      for (const root of roots) {
        const subject = subjectAttributesSubject(
          organization,
          request.subjectAttributes.map(attribute => [
            attribute,
            (attribute === 'rootEnvironment.name' ? root : current)!,
          ]),
        );
        credentials.push(
          root === undefined
            ? credential(
                current === currents[0]
                  ? 'pulumi-esc-current-environment'
                  : 'pulumi-esc-current-environment-short',
                subject,
                `Pulumi ESC environment ${envRef}, opened as ${current}`,
              )
            : credential(
                rootCredentialName(root, subject),
                subject,
                `Pulumi ESC environment ${envRef}, opened through ${organization}/${root}`,
              ),
        );
      }
    }
  }
  if (request.includeIacSubject) {
    credentials.push(
      credential(
        'pulumi-esc-iac-stacks',
        iacImportSubject(environment.organization),
        `Pulumi IaC stacks importing ESC environments of ${environment.organization}`,
      ),
    );
  }
  return credentials;
}

/**
 * `pulumi-esc-root-<readable root>-<fingerprint of the subject>`: readable in
 * the Azure portal, one per subject, within Entra's 120 characters.
 */
function rootCredentialName(root: string, subject: string): string {
  const suffix = `-${fingerprint(subject)}`;
  const prefix = 'pulumi-esc-root-';
  const readable = root
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, CREDENTIAL_NAME_MAX_LENGTH - prefix.length - suffix.length);
  return `${prefix}${readable}${suffix}`;
}

/**
 * Why Entra would refuse a set of credentials, before anything is sent to
 * it: too many, duplicate names or subjects, or subjects over its limit.
 */
export function credentialLimitProblem(
  credentials: FederatedCredentialSpec[],
): string | undefined {
  if (credentials.length > MAX_FEDERATED_CREDENTIALS) {
    return `would need ${credentials.length} federated identity credentials, and Entra allows at most ${MAX_FEDERATED_CREDENTIALS} per application`;
  }
  const tooLong = credentials.find(
    c => c.subject.length > CREDENTIAL_SUBJECT_MAX_LENGTH,
  );
  if (tooLong) {
    return `would produce the subject '${tooLong.subject}', longer than Entra's ${CREDENTIAL_SUBJECT_MAX_LENGTH} characters`;
  }
  const subjects = new Set(credentials.map(c => c.subject));
  const names = new Set(credentials.map(c => c.name));
  if (
    subjects.size !== credentials.length ||
    names.size !== credentials.length
  ) {
    return 'would produce the same federated identity credential twice';
  }
  return undefined;
}
