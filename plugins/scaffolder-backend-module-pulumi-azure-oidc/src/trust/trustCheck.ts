/**
 * The whole chain of one trust, link by link: Pulumi Cloud's token, its
 * claims against the application's federated credentials, Entra's
 * exchange, and ARM at each scope the identity was given.
 */
import {
  checkClaims,
  FederatedCredentialSpec,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { HttpClient } from '../http/httpClient';
import { EntraRefusedError, exchangeWithEntra } from './entraExchange';
import { readPulumiToken } from './pulumiToken';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface TrustCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface TrustCheckInput {
  /** The token `fn::open::azure-login` yielded. */
  token: string;
  issuer: string;
  credentials: Array<
    Pick<FederatedCredentialSpec, 'issuer' | 'audience' | 'subject'>
  >;
  clientId: string;
  tenantId: string;
  /** Scopes whose access the exchanged token should show. */
  scopes: string[];
  endpoints: { login: string; resourceManager: string };
  http: HttpClient;
  signal?: AbortSignal;
}

export async function checkTrust(
  input: TrustCheckInput,
): Promise<TrustCheck[]> {
  const checks: TrustCheck[] = [];
  const skipRest = (after: string, names: string[]) =>
    names.forEach(name =>
      checks.push({
        name,
        status: 'skipped',
        detail: `not run: ${after} failed`,
      }),
    );

  const token = await readPulumiToken(input.token, input);
  const mismatch = checkClaims(token, input.credentials);
  checks.push(
    mismatch
      ? {
          name: 'token claims',
          status: 'failed',
          detail: `The token's ${mismatch.claim} is '${
            mismatch.actual
          }', where the credentials expect ${mismatch.expected
            .map(value => `'${value}'`)
            .join(' or ')}: Entra would answer ${mismatch.entraError}. ${
            mismatch.fix
          }`,
        }
      : {
          name: 'token claims',
          status: 'passed',
          detail: `iss ${token.iss}, aud ${token.aud}, sub ${
            token.sub
          } match a federated credential${
            token.signatureVerified
              ? '; the signature verifies with the issuer’s keys'
              : ''
          }`,
        },
  );

  let accessToken: string;
  try {
    accessToken = await exchangeWithEntra({
      ...input,
      loginEndpoint: input.endpoints.login,
      assertion: input.token,
      resource: input.endpoints.resourceManager,
    });
    checks.push({
      name: 'Entra exchange',
      status: 'passed',
      detail: `Entra issued a token for the application ${input.clientId}`,
    });
  } catch (error) {
    if (!(error instanceof EntraRefusedError)) throw error;
    checks.push({
      name: 'Entra exchange',
      status: 'failed',
      detail: error.message,
    });
    skipRest(
      'the Entra exchange',
      input.scopes.map(scope => `access at ${scope}`),
    );
    return checks;
  }

  for (const scope of input.scopes) {
    const response = await input.http.request({
      service: 'Azure Resource Manager',
      operation: `reading the environment identity's permissions at ${scope}`,
      method: 'GET',
      url: `${input.endpoints.resourceManager}${scope}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
      headers: { Authorization: `Bearer ${accessToken}` },
      accept: [403],
      signal: input.signal,
    });
    const permissions: Array<{ actions?: string[]; dataActions?: string[] }> =
      response.status === 200 ? JSON.parse(response.body).value ?? [] : [];
    const granted = permissions.some(
      p => (p.actions?.length ?? 0) + (p.dataActions?.length ?? 0) > 0,
    );
    checks.push({
      name: `access at ${scope}`,
      status: granted ? 'passed' : 'failed',
      detail: granted
        ? `ARM answers the identity with ${permissions
            .flatMap(p => [...(p.actions ?? []), ...(p.dataActions ?? [])])
            .join(', ')}`
        : `ARM grants the identity nothing at ${scope} (HTTP ${response.status})`,
    });
  }
  return checks;
}
