/**
 * The OIDC token Pulumi Cloud issues when an environment's `azure-login`
 * opens: checked the way Entra checks it, so that a broken trust is named
 * link by link instead of as "login failed".
 *
 * Entra finds the issuer's signing keys through OpenID Connect discovery
 * (`<issuer>/.well-known/openid-configuration`, then its `jwks_uri`); so do
 * we, and verify the signature with `jose`.
 */
import { createLocalJWKSet, decodeJwt, JSONWebKeySet, jwtVerify } from 'jose';
import { TokenClaims } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { HttpClient } from '../http/httpClient';

export interface PulumiToken extends TokenClaims {
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /** Whether the signature was verified with the expected issuer's keys. */
  signatureVerified: boolean;
}

/** The token's claims; its signature verified when it names the expected issuer. */
export async function readPulumiToken(
  token: string,
  options: { issuer: string; http: HttpClient; signal?: AbortSignal },
): Promise<PulumiToken> {
  const unverified = decodeJwt(token);
  const claims = {
    iss: String(unverified.iss ?? ''),
    aud: [unverified.aud ?? ''].flat()[0] ?? '',
    sub: String(unverified.sub ?? ''),
    exp: unverified.exp,
  };
  // A token from another issuer is reported by the claim check; there is
  // no key of ours to verify it with.
  if (claims.iss !== options.issuer) {
    return { ...claims, signatureVerified: false };
  }
  const keys = await signingKeys(options);
  await jwtVerify(token, createLocalJWKSet(keys), {
    issuer: options.issuer,
  }).catch(error => {
    throw new Error(
      `The OIDC token Pulumi Cloud returned does not verify with the keys of ${
        options.issuer
      }: ${(error as Error).message}`,
    );
  });
  return { ...claims, signatureVerified: true };
}

async function signingKeys(options: {
  issuer: string;
  http: HttpClient;
  signal?: AbortSignal;
}): Promise<JSONWebKeySet> {
  const read = async (url: string, operation: string) =>
    JSON.parse(
      (
        await options.http.request({
          service: 'Pulumi Cloud',
          operation,
          method: 'GET',
          url,
          urlSetting: 'pulumiAzureOidc.pulumiCloud.apiUrl',
          signal: options.signal,
        })
      ).body,
    );
  const discovery = await read(
    `${options.issuer}/.well-known/openid-configuration`,
    'reading the OIDC discovery document of its issuer',
  );
  return read(
    discovery.jwks_uri,
    'reading the signing keys of its OIDC issuer',
  );
}
