/**
 * The claims Pulumi Cloud puts in an Azure login token, depending on who
 * opens the environment, and what Entra makes of them against a set of
 * federated identity credentials: the acceptance rules of the trust.
 *
 * The subject rules are Pulumi's documented ones
 * (pulumi.com/docs/pulumi-cloud/access-management/oidc/provider/azure/):
 * the plain subject names the environment that was opened, not the one
 * holding the login; a Pulumi IaC stack presents the literal `<yaml>`
 * (pulumi/pulumi#14509); `subjectAttributes` append each listed attribute.
 * Entra looks a credential up by issuer and subject, then checks the
 * audience, matching exactly and case-sensitively (learn.microsoft.com,
 * workload identity federation): AADSTS700211 for an unknown issuer,
 * AADSTS700213 for an unknown subject, AADSTS700212 for a wrong audience.
 */
import { DEFAULT_ESC_PROJECT } from './names';
import type { FederatedCredentialSpec } from './federatedCredentials';
import {
  environmentSubject,
  EscEnvironmentRef,
  iacImportSubject,
  oidcAudience,
  SubjectAttribute,
  subjectAttributesSubject,
} from './oidc';

/** Who opens the environment holding the login. */
export type Opening =
  | {
      /** The environment opened: the one holding the login, or one importing it. */
      environment: EscEnvironmentRef;
      /** In the `default` project: opened by `<env>` rather than `default/<env>`. */
      legacyName?: boolean;
    }
  | { stack: true; organization: string };

export interface LoginBlock {
  /** The environment whose definition holds `fn::open::azure-login`. */
  environment: EscEnvironmentRef;
  subjectAttributes?: SubjectAttribute[];
}

export interface TokenClaims {
  iss: string;
  aud: string;
  sub: string;
}

function spelled(ref: EscEnvironmentRef, legacyName?: boolean): string {
  return ref.project === DEFAULT_ESC_PROJECT && legacyName
    ? ref.environment
    : `${ref.project}/${ref.environment}`;
}

/** The claims of the token Pulumi Cloud issues when the login is opened so. */
export function presentedClaims(
  issuer: string,
  login: LoginBlock,
  opening: Opening,
): TokenClaims {
  const { organization } = login.environment;
  const aud = oidcAudience(login.environment);
  const attributes = login.subjectAttributes ?? [];
  if (attributes.length === 0) {
    const sub =
      'stack' in opening
        ? iacImportSubject(organization)
        : environmentSubject(opening.environment);
    return { iss: issuer, aud, sub };
  }
  const legacy = 'stack' in opening ? false : opening.legacyName;
  // Undocumented for stacks: modelled on the plain subject's `<yaml>`.
  const root =
    'stack' in opening ? '<yaml>' : spelled(opening.environment, legacy);
  const current = spelled(
    login.environment,
    'stack' in opening
      ? false
      : legacy && sameEnvironment(opening.environment, login.environment),
  );
  const sub = subjectAttributesSubject(
    organization,
    attributes.map(attribute => [
      attribute,
      attribute === 'rootEnvironment.name' ? root : current,
    ]),
  );
  return { iss: issuer, aud, sub };
}

function sameEnvironment(a: EscEnvironmentRef, b: EscEnvironmentRef) {
  return (
    a.organization === b.organization &&
    a.project === b.project &&
    a.environment === b.environment
  );
}

export type EntraRefusal = 'AADSTS700211' | 'AADSTS700212' | 'AADSTS700213';

/** Which claim Entra would refuse, why, and what fixes it. */
export interface ClaimMismatch {
  claim: 'iss' | 'aud' | 'sub';
  expected: string[];
  actual: string;
  entraError: EntraRefusal;
  fix: string;
}

/**
 * What Entra would make of a token against the application's credentials:
 * nothing when one credential matches issuer, subject and audience.
 */
export function checkClaims(
  claims: TokenClaims,
  credentials: Pick<
    FederatedCredentialSpec,
    'issuer' | 'subject' | 'audience'
  >[],
): ClaimMismatch | undefined {
  const byIssuer = credentials.filter(c => c.issuer === claims.iss);
  if (byIssuer.length === 0) {
    return {
      claim: 'iss',
      expected: unique(credentials.map(c => c.issuer)),
      actual: claims.iss,
      entraError: 'AADSTS700211',
      fix: 'The credentials must trust the issuer exactly, without a trailing slash: set pulumiAzureOidc.pulumiCloud.apiUrl to the Pulumi Cloud API that issues the tokens and run the template again.',
    };
  }
  const match = byIssuer.find(c => c.subject === claims.sub);
  if (!match) {
    return {
      claim: 'sub',
      expected: unique(byIssuer.map(c => c.subject)),
      actual: claims.sub,
      entraError: 'AADSTS700213',
      fix: subjectFix(
        claims.sub,
        byIssuer.map(c => c.subject),
      ),
    };
  }
  if (match.audience !== claims.aud) {
    return {
      claim: 'aud',
      expected: [match.audience],
      actual: claims.aud,
      entraError: 'AADSTS700212',
      fix: `Tokens for environments in the 'default' project carry the bare organization as audience, others 'azure:<organization>'; run the template again so the credentials use '${claims.aud}'.`,
    };
  }
  return undefined;
}

function subjectFix(actual: string, expected: string[]): string {
  if (expected.some(s => s.toLowerCase() === actual.toLowerCase())) {
    return 'The subject differs only in letter case, and Entra matches it exactly: open the environment by its name as written, or run the template for that name.';
  }
  if (actual.endsWith(':env:<yaml>')) {
    return 'A Pulumi IaC stack opened the environment, and with the plain subject every stack presents <yaml>: switch the environment to subjectAttributes mode (currentEnvironment.name), which names the environment whoever opens it.';
  }
  if (actual.startsWith('pulumi:environments:org:')) {
    return 'The plain subject names the environment that was opened, here one that imports this environment: switch it to subjectAttributes mode (currentEnvironment.name), or open it directly.';
  }
  return "The login block's subjectAttributes and the credentials disagree: run the template again so that both use the same subject mode.";
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
