import {
  environmentSubject,
  iacImportSubject,
  oidcAudience,
  oidcIssuer,
  subjectAttributesSubject,
} from './oidc';
import { LEGACY, NAMED } from './__testUtils__/environments';

const named = NAMED;
const legacy = LEGACY;

describe('oidcIssuer', () => {
  it.each([
    [undefined, 'https://api.pulumi.com/oidc'],
    ['https://api.pulumi.com', 'https://api.pulumi.com/oidc'],
    ['https://api.pulumi.com/', 'https://api.pulumi.com/oidc'],
    [
      'https://pulumi-api.example.com:8443/',
      'https://pulumi-api.example.com:8443/oidc',
    ],
  ])('derives the issuer of %s without a trailing slash', (apiUrl, issuer) => {
    expect(oidcIssuer(apiUrl)).toBe(issuer);
  });

  it.each([
    ['http://pulumi.internal', /must use https/],
    ['api.pulumi.com', /is not a URL/],
  ])('refuses %s', (apiUrl, message) => {
    expect(() => oidcIssuer(apiUrl)).toThrow(message);
  });
});

describe('audience and subjects', () => {
  it.each([
    [named, 'azure:acme', 'pulumi:environments:org:acme:env:payments/prod'],
    [legacy, 'acme', 'pulumi:environments:org:acme:env:prod'],
  ])('follow the documented formats for %o', (ref, audience, subject) => {
    expect(oidcAudience(ref)).toBe(audience);
    expect(environmentSubject(ref)).toBe(subject);
  });

  it('uses the literal <yaml> for IaC stacks that import an environment', () => {
    expect(iacImportSubject('acme')).toBe(
      'pulumi:environments:org:acme:env:<yaml>',
    );
  });

  it('lists subject attributes in the order of the login block', () => {
    expect(
      subjectAttributesSubject('acme', [
        ['currentEnvironment.name', 'payments/prod'],
        ['rootEnvironment.name', 'apps/web'],
      ]),
    ).toBe(
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:rootEnvironment.name:apps/web',
    );
  });
});
