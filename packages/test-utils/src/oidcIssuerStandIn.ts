/**
 * An OpenID Connect issuer on loopback, as Pulumi Cloud's `/oidc` is to
 * Entra: a discovery document, its signing keys, and tokens it signs for
 * the claims a test chooses.
 */
import { exportJWK, generateKeyPair, JWTPayload, SignJWT } from 'jose';
import { httpServer, Loopback } from './loopback';

export interface OidcIssuerStandIn extends Loopback {
  /** `<origin>/oidc`, without a trailing slash. */
  issuer: string;
  /** A token signed with the issuer's key; `iss` defaults to the issuer. */
  mint(claims: JWTPayload): Promise<string>;
  /** A token with the issuer's name, signed with a key it never published. */
  forge(claims: JWTPayload): Promise<string>;
}

export async function oidcIssuerStandIn(): Promise<OidcIssuerStandIn> {
  const signing = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = {
    ...(await exportJWK(signing.publicKey)),
    kid: 'k1',
    use: 'sig',
    alg: 'RS256',
  };
  let issuer = '';
  const server = await httpServer((request, response) => {
    const json = (body: unknown) =>
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(body));
    if (request.url === '/oidc/.well-known/openid-configuration') {
      json({ issuer, jwks_uri: `${issuer}/.well-known/jwks` });
    } else if (request.url === '/oidc/.well-known/jwks') {
      json({ keys: [jwk] });
    } else {
      response.writeHead(404).end();
    }
  });
  issuer = `${server.url}/oidc`;
  const sign = (key: CryptoKey, claims: JWTPayload) =>
    new SignJWT({ iss: issuer, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
  return Object.assign(server, {
    issuer,
    mint: (claims: JWTPayload) => sign(signing.privateKey, claims),
    forge: (claims: JWTPayload) => sign(stranger.privateKey, claims),
  });
}
