import {
  credentialLimitProblem,
  federatedCredentials,
  MAX_FEDERATED_CREDENTIALS,
  TrustRequest,
} from './federatedCredentials';
import { LEGACY, NAMED } from './__testUtils__/environments';

const named = NAMED;
const legacy = LEGACY;

describe('federatedCredentials', () => {
  const base: TrustRequest = {
    environment: named,
    issuer: 'https://api.pulumi.com/oidc',
    subjectMode: 'environment',
    subjectAttributes: [],
    rootEnvironments: [],
    includeIacSubject: false,
  };
  const subjects = (request: TrustRequest) =>
    federatedCredentials(request).map(c => [c.name, c.subject]);

  it('trusts exactly the environment by default', () => {
    expect(federatedCredentials(base)).toEqual([
      {
        name: 'pulumi-esc-environment',
        issuer: 'https://api.pulumi.com/oidc',
        audience: 'azure:acme',
        subject: 'pulumi:environments:org:acme:env:payments/prod',
        description: 'Pulumi ESC environment acme/payments/prod',
      },
    ]);
  });

  it('uses the bare organization as audience in the default project', () => {
    const [credential] = federatedCredentials({ ...base, environment: legacy });
    expect(credential.audience).toBe('acme');
    expect(credential.subject).toBe('pulumi:environments:org:acme:env:prod');
  });

  it('adds the <yaml> credential for IaC stacks', () => {
    expect(subjects({ ...base, includeIacSubject: true })).toEqual([
      [
        'pulumi-esc-environment',
        'pulumi:environments:org:acme:env:payments/prod',
      ],
      ['pulumi-esc-iac-stacks', 'pulumi:environments:org:acme:env:<yaml>'],
    ]);
  });

  const attributes = (
    environment: typeof named,
    subjectAttributes: TrustRequest['subjectAttributes'],
    rootEnvironments: string[] = [],
  ) =>
    federatedCredentials({
      ...base,
      environment,
      subjectMode: 'subjectAttributes',
      subjectAttributes,
      rootEnvironments,
    });

  it('trusts the environment holding the login, whoever opens it, as Pulumi’s own setup does', () => {
    expect(attributes(named, ['currentEnvironment.name'])).toEqual([
      {
        name: 'pulumi-esc-current-environment',
        issuer: 'https://api.pulumi.com/oidc',
        audience: 'azure:acme',
        subject:
          'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
        description:
          'Pulumi ESC environment acme/payments/prod, opened as payments/prod',
      },
    ]);
  });

  it('trusts both spellings of a default-project environment, and its bare organization as audience', () => {
    expect(
      attributes(legacy, ['currentEnvironment.name']).map(c => [
        c.name,
        c.audience,
        c.subject,
      ]),
    ).toEqual([
      [
        'pulumi-esc-current-environment',
        'acme',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:default/prod',
      ],
      [
        'pulumi-esc-current-environment-short',
        'acme',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:prod',
      ],
    ]);
  });

  it('lists the attributes in the login block’s order', () => {
    expect(
      attributes(named, [
        'rootEnvironment.name',
        'currentEnvironment.name',
      ]).map(c => c.subject),
    ).toEqual([
      'pulumi:environments:pulumi.organization.login:acme:rootEnvironment.name:payments/prod:currentEnvironment.name:payments/prod',
    ]);
  });

  it('adds one credential per spelling of each root environment that imports this one', () => {
    const credentials = attributes(
      named,
      ['currentEnvironment.name', 'rootEnvironment.name'],
      ['apps/web', 'default/legacy'],
    );
    expect(credentials.map(c => c.subject)).toEqual([
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:payments/prod',
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:apps/web',
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:default/legacy',
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:legacy',
    ]);
    expect(credentials[1].name).toMatch(
      /^pulumi-esc-root-apps-web-[0-9a-f]{8}$/,
    );
    expect(credentials[1].description).toBe(
      'Pulumi ESC environment acme/payments/prod, opened through acme/apps/web',
    );
  });

  it('keeps names within Entra rules and stable across runs', () => {
    const request: TrustRequest = {
      ...base,
      subjectMode: 'subjectAttributes',
      subjectAttributes: ['rootEnvironment.name'],
      rootEnvironments: [
        `${'p'.repeat(100)}/${'e'.repeat(100)}`,
        'a.b/c',
        'a-b/c',
      ],
    };
    const names = federatedCredentials(request).map(c => c.name);
    expect(names).toEqual(federatedCredentials(request).map(c => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
    }
  });
});

describe('credentialLimitProblem', () => {
  const credential = (i: number) => ({
    name: `c${i}`,
    issuer: 'https://api.pulumi.com/oidc',
    audience: 'azure:acme',
    subject: `s${i}`,
    description: '',
  });

  it(`accepts ${MAX_FEDERATED_CREDENTIALS} credentials and refuses one more`, () => {
    const twenty = Array.from({ length: MAX_FEDERATED_CREDENTIALS }, (_, i) =>
      credential(i),
    );
    expect(credentialLimitProblem(twenty)).toBeUndefined();
    expect(credentialLimitProblem([...twenty, credential(20)])).toBe(
      'would need 21 federated identity credentials, and Entra allows at most 20 per application',
    );
  });

  it('refuses duplicates and subjects over 600 characters', () => {
    expect(credentialLimitProblem([credential(1), credential(1)])).toMatch(
      /twice/,
    );
    expect(
      credentialLimitProblem([{ ...credential(1), subject: 'x'.repeat(601) }]),
    ).toMatch(/longer than Entra's 600 characters/);
  });
});
