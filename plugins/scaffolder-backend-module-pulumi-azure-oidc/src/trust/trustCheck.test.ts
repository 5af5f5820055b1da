/**
 * The claim check and the exchange, against an OIDC issuer and an Entra
 * that the test runs on loopback: the issuer signs tokens with a key it
 * publishes through discovery; Entra verifies them with it and matches
 * issuer, subject and audience against the application's credentials.
 */
import {
  AzureStandIn,
  azureStandIn,
  OidcIssuerStandIn,
  oidcIssuerStandIn,
} from '@esc-azure-oidc/test-utils';
import { HttpClient } from '../http/httpClient';
import { checkTrust, TrustCheckInput } from './trustCheck';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
const SUBJECT =
  'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod';

describe('checkTrust', () => {
  let azure: AzureStandIn;
  let pulumi: OidcIssuerStandIn;
  const http = new HttpClient({ timeoutSeconds: 5, retries: 0 });
  const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`;

  beforeEach(async () => {
    [azure, pulumi] = await Promise.all([azureStandIn(), oidcIssuerStandIn()]);
    // The environment's identity, as a provisioning run leaves it.
    azure.applications.push({
      id: 'app-object',
      appId: 'client-id',
      displayName: 'Pulumi ESC acme/payments/prod',
      tags: [],
      federatedIdentityCredentials: [
        {
          id: 'fic',
          name: 'pulumi-esc-current-environment',
          issuer: pulumi.issuer,
          subject: SUBJECT,
          audiences: ['azure:acme'],
        },
      ],
    });
    azure.servicePrincipals.push({ id: 'sp-object', appId: 'client-id' });
    azure.roleAssignments.push({
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/ra`,
      name: 'ra',
      properties: {
        scope,
        principalId: 'sp-object',
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      },
    });
  });
  afterEach(() => Promise.all([azure.close(), pulumi.close()]));

  const input = (token: string): TrustCheckInput => ({
    token,
    issuer: pulumi.issuer,
    credentials: [
      { issuer: pulumi.issuer, audience: 'azure:acme', subject: SUBJECT },
    ],
    clientId: 'client-id',
    tenantId: azure.tenantId,
    scopes: [scope],
    endpoints: azure.endpoints,
    http,
  });

  it('passes every link of a working trust', async () => {
    const token = await pulumi.mint({ aud: 'azure:acme', sub: SUBJECT });
    await expect(checkTrust(input(token))).resolves.toEqual([
      {
        name: 'token claims',
        status: 'passed',
        detail: `iss ${pulumi.issuer}, aud azure:acme, sub ${SUBJECT} match a federated credential; the signature verifies with the issuer’s keys`,
      },
      {
        name: 'Entra exchange',
        status: 'passed',
        detail: 'Entra issued a token for the application client-id',
      },
      {
        name: `access at ${scope}`,
        status: 'passed',
        detail: 'ARM answers the identity with */read',
      },
    ]);
  });

  it('names the subject, the Entra error and the fix, and shows Entra agrees', async () => {
    const plain = 'pulumi:environments:org:acme:env:payments/app';
    const token = await pulumi.mint({ aud: 'azure:acme', sub: plain });
    const [claims, exchange, access] = await checkTrust(input(token));
    expect(claims).toEqual({
      name: 'token claims',
      status: 'failed',
      detail: `The token's sub is '${plain}', where the credentials expect '${SUBJECT}': Entra would answer AADSTS700213. The plain subject names the environment that was opened, here one that imports this environment: switch it to subjectAttributes mode (currentEnvironment.name), or open it directly.`,
    });
    expect(exchange).toEqual({
      name: 'Entra exchange',
      status: 'failed',
      detail: `Entra refused the environment's token: AADSTS700213: No matching federated identity record found for presented assertion subject '${plain}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    });
    expect(access).toEqual({
      name: `access at ${scope}`,
      status: 'skipped',
      detail: 'not run: the Entra exchange failed',
    });
  });

  it('names the audience when only the audience is wrong', async () => {
    const token = await pulumi.mint({ aud: 'acme', sub: SUBJECT });
    const [claims, exchange] = await checkTrust(input(token));
    expect(claims.detail).toContain(
      "The token's aud is 'acme', where the credentials expect 'azure:acme': Entra would answer AADSTS700212.",
    );
    expect(exchange.detail).toContain('AADSTS700212');
  });

  it('refuses a token whose signature the issuer’s published keys do not verify', async () => {
    const forged = await pulumi.forge({ aud: 'azure:acme', sub: SUBJECT });
    await expect(checkTrust(input(forged))).rejects.toThrow(
      `The OIDC token Pulumi Cloud returned does not verify with the keys of ${pulumi.issuer}`,
    );
  });

  it('says when ARM grants the identity nothing at a scope', async () => {
    azure.roleAssignments.length = 0;
    const token = await pulumi.mint({ aud: 'azure:acme', sub: SUBJECT });
    const checks = await checkTrust(input(token));
    expect(checks[2]).toEqual({
      name: `access at ${scope}`,
      status: 'failed',
      detail: `ARM grants the identity nothing at ${scope} (HTTP 200)`,
    });
  });
});
