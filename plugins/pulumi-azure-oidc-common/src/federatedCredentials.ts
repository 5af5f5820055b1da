/**
 * The federated identity credentials an environment's Entra application
 * needs: one per subject its tokens may carry, within Entra's limits
 * (learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
 */
import { fingerprint } from './hash';
import {
  attributeSpellings,
  environmentSubject,
  EscEnvironmentRef,
  formatEnvironmentRef,
  iacImportSubject,
  oidcAudience,
  SubjectAttribute,
  subjectAttributesSubject,
  SubjectMode,
} from './oidc';

/** Entra refuses more federated identity credentials than this per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** Entra's limits on a federated identity credential. */
const CREDENTIAL_NAME_MAX_LENGTH = 120;
const CREDENTIAL_SUBJECT_MAX_LENGTH = 600;

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
