/**
 * How Pulumi Cloud's OIDC tokens for ESC look, and therefore which federated
 * identity credentials an Entra application needs to trust them.
 *
 * Entra matches issuer, audience and subject exactly and case-sensitively,
 * with no wildcards; every rule here follows Pulumi's documented formats.
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
 * The environment's name as tokens carry it: `project/environment`, or just
 * `environment` in the legacy `default` project.
 */
export function tokenEnvironmentName(project: string, environment: string) {
  return project === DEFAULT_ESC_PROJECT
    ? environment
    : `${project}/${environment}`;
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

/** The subject when an environment is opened: `pulumi:environments:org:<org>:env:<name>`. */
export function environmentSubject(ref: EscEnvironmentRef): string {
  return `pulumi:environments:org:${
    ref.organization
  }:env:${tokenEnvironmentName(ref.project, ref.environment)}`;
}

/**
 * The subject when a Pulumi IaC stack imports the environment: the token
 * carries the literal `<yaml>` instead of the environment's name
 * (pulumi/pulumi#14509), so it needs a credential of its own.
 */
export function iacImportSubject(organization: string): string {
  return `pulumi:environments:org:${organization}:env:<yaml>`;
}

/** The attributes a login block may list in `subjectAttributes`. */
export const SUBJECT_ATTRIBUTES = [
  'currentEnvironment.name',
  'rootEnvironment.name',
] as const;
export type SubjectAttribute = (typeof SUBJECT_ATTRIBUTES)[number];

/**
 * The subject when the login block lists `subjectAttributes`: the
 * organization, then each attribute with its value, in the listed order.
 */
export function subjectAttributesSubject(
  organization: string,
  attributes: ReadonlyArray<readonly [SubjectAttribute, string]>,
): string {
  const parts = attributes.map(
    ([attribute, value]) => `:${attribute}:${value}`,
  );
  return `pulumi:environments:pulumi.organization.login:${organization}${parts.join(
    '',
  )}`;
}

/** How tokens for the environment name it. */
export type SubjectMode = 'environment' | 'subjectAttributes';

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
  /** Also trust Pulumi IaC stacks that import the environment. */
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
 * in, and nothing else. Names are derived from what each credential trusts,
 * so they stay the same from one run to the next.
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
    const ownName = tokenEnvironmentName(
      environment.project,
      environment.environment,
    );
    const subjectFor = (rootName: string) =>
      subjectAttributesSubject(
        environment.organization,
        request.subjectAttributes.map(attribute => [
          attribute,
          attribute === 'rootEnvironment.name' ? rootName : ownName,
        ]),
      );
    credentials.push(
      credential(
        'pulumi-esc-environment',
        subjectFor(ownName),
        `Pulumi ESC environment ${envRef}`,
      ),
    );
    if (request.subjectAttributes.includes('rootEnvironment.name')) {
      for (const root of request.rootEnvironments) {
        const [project, name] = root.split('/');
        credentials.push(
          credential(
            rootCredentialName(root),
            subjectFor(tokenEnvironmentName(project, name)),
            `Pulumi ESC environment ${envRef}, imported by ${environment.organization}/${root}`,
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
 * `pulumi-esc-root-<readable part>-<fingerprint>`: readable in the Azure
 * portal, unique even when two references read alike once sanitised, and
 * within Entra's 120 characters.
 */
function rootCredentialName(root: string): string {
  const suffix = `-${fingerprint(root)}`;
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
