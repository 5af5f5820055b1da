import { createMockDirectory } from '@backstage/backend-test-utils';
import { AzureStandIn, azureStandIn } from '@esc-azure-oidc/test-utils';
import { AzureCredentials } from './azureCredentials';
import { HttpClient } from '../http/httpClient';
import { DeployerTokens } from './deployerTokens';
import { MicrosoftGraph } from './graph';
import { ResourceManager } from './resourceManager';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';

describe('Graph and ARM as the deploying principal', () => {
  const dir = createMockDirectory();
  let azure: AzureStandIn;
  const http = new HttpClient({ timeoutSeconds: 5, retries: 0 });

  beforeEach(async () => {
    azure = await azureStandIn();
  });
  afterEach(() => azure.close());

  const tokensFor = (
    credentials: AzureCredentials,
    runAzureCli?: (args: string[]) => Promise<string>,
  ) => {
    const seen: string[] = [];
    const tokens = new DeployerTokens({
      credentials,
      tenantId: azure.tenantId,
      endpoints: azure.endpoints,
      http,
      onToken: token => seen.push(token),
      runAzureCli,
    });
    return { tokens, seen };
  };
  const clientSecret = (): AzureCredentials => ({
    type: 'clientSecret',
    clientId: azure.deployer.clientId,
    clientSecret: azure.deployer.clientSecret,
  });

  it('signs in with a client secret, once per API, and hands every token to the redactor', async () => {
    const { tokens, seen } = tokensFor(clientSecret());
    const graph = await tokens.token('graph');
    expect(await tokens.token('graph')).toBe(graph);
    const arm = await tokens.token('resourceManager');
    expect(graph).toMatch(/^token-http:\/\/127\.0\.0\.1:\d+-/);
    expect(seen).toEqual([graph, arm]);
    expect(
      azure.requests.filter(r => r.endsWith('/oauth2/v2.0/token')),
    ).toHaveLength(2);
  });

  it('signs in with the federated token file of workload identity, as the platform last wrote it', async () => {
    dir.setContent({ token: `${azure.deployer.federatedToken}\n` });
    const { tokens } = tokensFor({
      type: 'workloadIdentity',
      clientId: azure.deployer.clientId,
      tokenFilePath: dir.resolve('token'),
    });
    await expect(tokens.token('graph')).resolves.toMatch(/^token-/);
    // A stale token: Entra's words, and the setting to check.
    dir.setContent({ token: 'expired-token' });
    await expect(tokens.token('resourceManager')).rejects.toThrow(
      `Microsoft Entra ID (${azure.url}) answered 401 while signing in as the portal's deploying principal: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Check pulumiAzureOidc.azure.credentials.`,
    );
  });

  it('asks the instance metadata service for a managed identity', async () => {
    const { tokens } = tokensFor({ type: 'managedIdentity', clientId: 'uami' });
    await expect(tokens.token('resourceManager')).resolves.toMatch(/^token-/);
    expect(azure.requests).toContain('GET /metadata/identity/oauth2/token');
  });

  it("asks the Azure CLI for the developer's own sign-in, and says how to fix a failure", async () => {
    const calls: string[][] = [];
    const { tokens } = tokensFor({ type: 'azureCli' }, async args => {
      calls.push(args);
      return JSON.stringify({
        accessToken: 'cli-token',
        expiresOn: new Date(Date.now() + 3600_000).toISOString(),
      });
    });
    await expect(tokens.token('graph')).resolves.toBe('cli-token');
    expect(calls).toEqual([
      [
        'account',
        'get-access-token',
        '--resource',
        azure.endpoints.graph,
        '--tenant',
        azure.tenantId,
        '--output',
        'json',
      ],
    ]);
    const { tokens: signedOut } = tokensFor({ type: 'azureCli' }, () =>
      Promise.reject(new Error("Please run 'az login' to setup account.")),
    );
    await expect(signedOut.token('graph')).rejects.toThrow(
      `The Azure CLI could not give a token for ${azure.endpoints.graph}: Please run 'az login' to setup account.. Sign in with 'az login', or configure pulumiAzureOidc.azure.credentials.`,
    );
  });

  it('finds applications by exact display name, their credentials, and role assignments by name', async () => {
    azure.applications.push(
      {
        id: 'app-1',
        appId: 'client-1',
        displayName: "Pulumi ESC acme/o'brien/prod",
        tags: ['pulumi-esc-oidc'],
        federatedIdentityCredentials: [
          {
            id: 'fic-1',
            name: 'pulumi-esc-current-environment',
            issuer: 'https://api.pulumi.com/oidc',
            subject: 'sub',
            audiences: ['azure:acme'],
          },
        ],
      },
      {
        id: 'app-2',
        appId: 'client-2',
        displayName: 'Something else',
        tags: [],
        federatedIdentityCredentials: [],
      },
    );
    const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`;
    azure.roleAssignments.push({
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/6f0f3a3c-0000-5000-8000-000000000001`,
      name: '6f0f3a3c-0000-5000-8000-000000000001',
      properties: {
        scope,
        principalId: 'sp-1',
        principalType: 'ServicePrincipal',
        roleDefinitionId: 'reader',
      },
    });
    const { tokens } = tokensFor(clientSecret());
    const graph = new MicrosoftGraph({
      endpoint: azure.endpoints.graph,
      tokens,
      http,
    });
    const arm = new ResourceManager({
      endpoint: azure.endpoints.resourceManager,
      tokens,
      http,
    });

    await expect(
      graph.applicationsNamed("Pulumi ESC acme/o'brien/prod"),
    ).resolves.toEqual([
      {
        id: 'app-1',
        appId: 'client-1',
        displayName: "Pulumi ESC acme/o'brien/prod",
        tags: ['pulumi-esc-oidc'],
      },
    ]);
    await expect(graph.application('missing')).resolves.toBeUndefined();
    await expect(graph.federatedCredentials('app-1')).resolves.toEqual([
      expect.objectContaining({
        id: 'fic-1',
        name: 'pulumi-esc-current-environment',
      }),
    ]);
    await expect(
      arm.roleAssignment(scope, '6f0f3a3c-0000-5000-8000-000000000001'),
    ).resolves.toMatchObject({ properties: { principalId: 'sp-1' } });
    await expect(
      arm.roleAssignment(scope, '6f0f3a3c-0000-5000-8000-000000000002'),
    ).resolves.toBeUndefined();
  });

  it('names the setting to check when Graph refuses the token', async () => {
    const graph = new MicrosoftGraph({
      endpoint: azure.endpoints.graph,
      tokens: { token: async () => 'forged' },
      http,
    });
    await expect(graph.applicationsNamed('x')).rejects.toThrow(
      `Microsoft Graph (${azure.url}) answered 401 while looking for Entra applications named 'x': Access token is missing or invalid. Check pulumiAzureOidc.azure.credentials.`,
    );
  });
});
