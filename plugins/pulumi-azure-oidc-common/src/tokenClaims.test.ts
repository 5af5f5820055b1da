import { federatedCredentials, TrustRequest } from './federatedCredentials';
import { SubjectMode } from './oidc';
import { checkClaims, Opening, presentedClaims } from './tokenClaims';
import { LEGACY, NAMED } from './__testUtils__/environments';

const issuer = 'https://api.pulumi.com/oidc';
const named = NAMED;
const legacy = LEGACY;
const importer = {
  organization: 'acme',
  project: 'payments',
  environment: 'app',
};

function trust(
  environment: typeof named,
  subjectMode: SubjectMode,
  includeIacSubject = false,
) {
  const request: TrustRequest = {
    environment,
    issuer,
    subjectMode,
    subjectAttributes:
      subjectMode === 'subjectAttributes' ? ['currentEnvironment.name'] : [],
    rootEnvironments: [],
    includeIacSubject,
  };
  return {
    credentials: federatedCredentials(request),
    login: {
      environment,
      subjectAttributes: request.subjectAttributes,
    },
  };
}

const openings: Record<string, (environment: typeof named) => Opening> = {
  'opened directly': environment => ({ environment }),
  'opened by its legacy two-part name': environment => ({
    environment,
    legacyName: true,
  }),
  'imported by another environment': () => ({ environment: importer }),
  'imported by a Pulumi IaC stack': () => ({
    stack: true,
    organization: 'acme',
  }),
};

/** What Entra answers: accepted, or the refusal it would give. */
function outcome(
  environment: typeof named,
  mode: SubjectMode,
  opening: string,
  includeIacSubject = false,
) {
  const { credentials, login } = trust(environment, mode, includeIacSubject);
  const claims = presentedClaims(issuer, login, openings[opening](environment));
  return checkClaims(claims, credentials)?.entraError ?? 'accepted';
}

describe('who can log in, by subject mode, project and the way the environment is opened', () => {
  it.each([
    // The default: the subject names the environment holding the login.
    ['subjectAttributes', named, 'opened directly', 'accepted'],
    ['subjectAttributes', named, 'imported by another environment', 'accepted'],
    ['subjectAttributes', named, 'imported by a Pulumi IaC stack', 'accepted'],
    ['subjectAttributes', legacy, 'opened directly', 'accepted'],
    [
      'subjectAttributes',
      legacy,
      'opened by its legacy two-part name',
      'accepted',
    ],
    [
      'subjectAttributes',
      legacy,
      'imported by another environment',
      'accepted',
    ],
    ['subjectAttributes', legacy, 'imported by a Pulumi IaC stack', 'accepted'],
    // The plain subject names the environment that was opened.
    ['environment', named, 'opened directly', 'accepted'],
    ['environment', named, 'imported by another environment', 'AADSTS700213'],
    ['environment', named, 'imported by a Pulumi IaC stack', 'AADSTS700213'],
    ['environment', legacy, 'opened directly', 'accepted'],
    ['environment', legacy, 'opened by its legacy two-part name', 'accepted'],
    ['environment', legacy, 'imported by another environment', 'AADSTS700213'],
  ] as const)('%s mode, %o, %s: %s', (mode, environment, opening, expected) => {
    expect(outcome(environment, mode, opening)).toBe(expected);
  });

  it('lets stacks in with the plain subject only through the organization-wide <yaml> credential', () => {
    expect(
      outcome(named, 'environment', 'imported by a Pulumi IaC stack', true),
    ).toBe('accepted');
  });
});

describe('checkClaims', () => {
  const { credentials } = trust(named, 'subjectAttributes');
  const claims = presentedClaims(
    issuer,
    { environment: named, subjectAttributes: ['currentEnvironment.name'] },
    { environment: named },
  );

  it('names the claim, the values, the Entra error and the fix for an issuer with a trailing slash', () => {
    expect(checkClaims({ ...claims, iss: `${issuer}/` }, credentials)).toEqual({
      claim: 'iss',
      expected: [issuer],
      actual: `${issuer}/`,
      entraError: 'AADSTS700211',
      fix: expect.stringContaining('without a trailing slash'),
    });
  });

  it('explains a plain subject naming an importing environment', () => {
    const plain = presentedClaims(
      issuer,
      { environment: named },
      { environment: importer },
    );
    expect(checkClaims(plain, credentials)).toEqual({
      claim: 'sub',
      expected: [
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
      ],
      actual: 'pulumi:environments:org:acme:env:payments/app',
      entraError: 'AADSTS700213',
      fix: expect.stringContaining('switch it to subjectAttributes mode'),
    });
  });

  it('explains a subject that differs only in letter case', () => {
    const mismatch = checkClaims(
      { ...claims, sub: claims.sub.replace('payments/prod', 'Payments/prod') },
      credentials,
    );
    expect(mismatch?.fix).toContain('differs only in letter case');
  });

  it('names the audience when the subject matches but the audience does not', () => {
    expect(checkClaims({ ...claims, aud: 'acme' }, credentials)).toMatchObject({
      claim: 'aud',
      expected: ['azure:acme'],
      actual: 'acme',
      entraError: 'AADSTS700212',
    });
  });
});
