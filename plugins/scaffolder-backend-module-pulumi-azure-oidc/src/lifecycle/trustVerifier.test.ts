/**
 * Verification against services on loopback: Pulumi Cloud's ESC API, an
 * OIDC issuer that signs tokens with a key it publishes through discovery,
 * and an Entra and ARM that judge and list as the real ones do.
 */
import {
  renderEnvironmentYaml,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  AzureStandIn,
  azureStandIn,
  OidcIssuerStandIn,
  oidcIssuerStandIn,
  PulumiCloudStandIn,
  pulumiCloudStandIn,
} from '@esc-azure-oidc/test-utils';
import { standInReaders } from '../__testUtils__/azureReaders';
import { emptyStackState, StackState } from '../engine/stackModel';
import { HttpClient } from '../http/httpClient';
import { PulumiCloudEscEnvironments } from '../pulumiCloud/pulumiCloudEscEnvironments';
import { SecretRedactor } from '../secrets';
import { engineMock } from '../__testUtils__/provisioning';
import { CHECKS, TrustVerifier } from './trustVerifier';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
const READER = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const CONTRIBUTOR = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const SCOPE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`;
const SUBJECT =
  'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod';
const ENVIRONMENT = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
};

describe('TrustVerifier', () => {
  let azure: AzureStandIn;
  let issuer: OidcIssuerStandIn;
  let cloud: PulumiCloudStandIn;
  let state: StackState;
  const http = new HttpClient({ timeoutSeconds: 5, retries: 0 });
  const redactor = new SecretRedactor();

  beforeEach(async () => {
    [azure, issuer, cloud] = await Promise.all([
      azureStandIn(),
      oidcIssuerStandIn(),
      pulumiCloudStandIn(),
    ]);
    // The identity as a provisioning run leaves it, in Entra, ARM and ESC.
    azure.applications.push({
      id: 'app-object',
      appId: 'client-id',
      displayName: 'Pulumi ESC acme/payments/prod',
      tags: [],
      federatedIdentityCredentials: [
        {
          id: 'fic',
          name: 'pulumi-esc-current-environment',
          issuer: issuer.issuer,
          subject: SUBJECT,
          audiences: ['azure:acme'],
        },
      ],
    });
    azure.servicePrincipals.push({ id: 'sp-object', appId: 'client-id' });
    azure.roleAssignments.push(assignment('ra-1', SCOPE, READER));
    state = {
      ...emptyStackState(),
      resources: 5,
      identity: {
        clientId: 'client-id',
        tenantId: azure.tenantId,
        subscriptionId: SUBSCRIPTION,
        servicePrincipalObjectId: 'sp-object',
      },
      credentials: [
        {
          logicalName: 'credential-pulumi-esc-current-environment',
          name: 'pulumi-esc-current-environment',
          issuer: issuer.issuer,
          audience: 'azure:acme',
          subject: SUBJECT,
          description: '',
        },
      ],
      roleAssignments: [
        {
          logicalName: 'role-reader',
          name: 'ra-1',
          scope: SCOPE,
          roleDefinitionId: READER,
        },
      ],
    };
    cloud.environments.set('acme/payments/prod', {
      yaml: renderEnvironmentYaml({
        clientId: 'client-id',
        tenantId: azure.tenantId,
        subscriptionId: SUBSCRIPTION,
        subjectAttributes: ['currentEnvironment.name'],
      }),
      revision: 1,
    });
    await opensWith({ aud: 'azure:acme', sub: SUBJECT });
    // Only the teams and members granted it may open acme's environments.
    cloud.organizations.set('acme', { defaultEnvironmentPermission: 'none' });
  });
  afterEach(() => Promise.all([azure.close(), issuer.close(), cloud.close()]));

  function assignment(name: string, scope: string, role: string) {
    return {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      properties: {
        scope,
        principalId: 'sp-object',
        principalType: 'ServicePrincipal',
        roleDefinitionId: role,
      },
    };
  }

  /** Opening the environment yields a token with these claims. */
  async function opensWith(claims: { aud: string; sub: string }) {
    const token = await issuer.mint(claims);
    cloud.values.set('acme/payments/prod', {
      azure: { login: { clientId: 'client-id', oidc: { token } } },
    });
    return token;
  }

  function verifier(
    parts: { escEnvironments?: boolean; apiUrl?: string } = {},
  ) {
    const engine = engineMock();
    engine.outputs.mockImplementation(async () => state);
    return new TrustVerifier({
      engine,
      escEnvironments:
        parts.escEnvironments === false
          ? undefined
          : new PulumiCloudEscEnvironments({
              apiUrl: parts.apiUrl ?? cloud.apiUrl,
              accessToken: 'pul-token',
              http,
            }),
      resourceManager: standInReaders(azure, http).resourceManager,
      issuer: issuer.issuer,
      endpoints: azure.endpoints,
      roles: new RoleCatalogue(),
      http,
      redactor,
    });
  }

  const statuses = async (v = verifier()) =>
    Object.fromEntries(
      (await v.verify(ENVIRONMENT)).checks.map(c => [c.name, c.status]),
    );
  const detail = async (name: string, v = verifier()) =>
    (await v.verify(ENVIRONMENT)).checks.find(c => c.name === name)?.detail;

  it('passes every link of a working trust, and keeps the token out of sight', async () => {
    const result = await verifier().verify(ENVIRONMENT);
    expect(result).toEqual({
      ok: true,
      checks: [
        {
          name: CHECKS.stack,
          status: 'passed',
          detail:
            'the stack holds the application client-id and its service principal sp-object',
        },
        {
          name: CHECKS.definition,
          status: 'passed',
          detail:
            "the portal's definition logs in as the stack's application, tenant and subscription",
        },
        {
          name: CHECKS.token,
          status: 'passed',
          detail: 'opening the environment yields a token',
        },
        {
          name: CHECKS.claims,
          status: 'passed',
          detail: `iss ${issuer.issuer}, aud azure:acme and sub ${SUBJECT} match a federated credential; the signature verifies with the issuer's keys`,
        },
        {
          name: CHECKS.exchange,
          status: 'passed',
          detail: 'Entra issued a token for the application client-id',
        },
        {
          name: CHECKS.roleAssignments,
          status: 'passed',
          detail: `the service principal holds Reader at ${SCOPE}, and nothing else`,
        },
        {
          name: CHECKS.defaultPermission,
          status: 'passed',
          detail:
            "the organization's default environment permission is 'none': members of acme may open acme/payments/prod only where a team or an administrator grants it",
        },
      ],
    });
    const token = (cloud.values.get('acme/payments/prod') as any).azure.login
      .oidc.token;
    expect(redactor.redact(`a ${token} b`)).toBe('a *** b');
  });

  it('says when no stack holds the identity, and checks nothing else', async () => {
    state = emptyStackState();
    const result = await verifier().verify(ENVIRONMENT);
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toEqual({
      name: CHECKS.stack,
      status: 'failed',
      detail:
        'no stack holds an identity for acme/payments/prod: run the template to provision it',
    });
    expect(result.checks.slice(1).map(c => c.status)).toEqual(
      Array(6).fill('skipped'),
    );
  });

  it('skips, never passes, what needs Pulumi Cloud when no token is configured', async () => {
    const result = await verifier({ escEnvironments: false }).verify(
      ENVIRONMENT,
    );
    expect(result.ok).toBe(false);
    expect(
      Object.fromEntries(result.checks.map(c => [c.name, c.status])),
    ).toEqual({
      [CHECKS.stack]: 'passed',
      [CHECKS.definition]: 'skipped',
      [CHECKS.token]: 'skipped',
      [CHECKS.claims]: 'skipped',
      [CHECKS.exchange]: 'skipped',
      [CHECKS.roleAssignments]: 'passed',
      [CHECKS.defaultPermission]: 'skipped',
    });
    expect(result.checks[1].detail).toBe(
      'not run: no Pulumi Cloud access token is configured (pulumiAzureOidc.pulumiCloud.accessToken)',
    );
  });

  it('skips with the reason what it cannot reach', async () => {
    const closed = await pulumiCloudStandIn();
    await closed.close();
    const result = await verifier({ apiUrl: closed.apiUrl }).verify(
      ENVIRONMENT,
    );
    const definition = result.checks.find(c => c.name === CHECKS.definition)!;
    expect(definition.status).toBe('skipped');
    expect(definition.detail).toMatch(
      /^not run: Could not reach Pulumi Cloud at http:\/\/127\.0\.0\.1:\d+ while reading the ESC environment acme\/payments\/prod: the connection to .* was refused/,
    );
    expect(result.ok).toBe(false);
  });

  it('fails an environment missing in Pulumi Cloud, and one the portal did not write', async () => {
    cloud.environments.delete('acme/payments/prod');
    expect(await statuses()).toMatchObject({
      [CHECKS.definition]: 'failed',
      [CHECKS.token]: 'failed',
      [CHECKS.claims]: 'skipped',
      [CHECKS.exchange]: 'skipped',
    });
    cloud.environments.set('acme/payments/prod', {
      yaml: 'values: { handWritten: true }\n',
      revision: 1,
    });
    expect(await detail(CHECKS.definition)).toMatch(
      /^its definition is not the portal's/,
    );
  });

  it("names the login block's values that are not the stack's", async () => {
    cloud.environments.set('acme/payments/prod', {
      yaml: renderEnvironmentYaml({
        clientId: 'someone-elses',
        tenantId: azure.tenantId,
        subscriptionId: SUBSCRIPTION,
      }),
      revision: 2,
    });
    expect(await detail(CHECKS.definition)).toBe(
      "its azure-login block names clientId 'someone-elses' where the stack holds 'client-id': run the template again to write the stack's values",
    );
  });

  it('names the claim, the Entra error and the fix, and Entra agrees', async () => {
    const plain = 'pulumi:environments:org:acme:env:payments/app';
    await opensWith({ aud: 'azure:acme', sub: plain });
    const result = await verifier().verify(ENVIRONMENT);
    const [claims, exchange] = result.checks.slice(3, 5);
    expect(claims.status).toBe('failed');
    expect(claims.detail).toContain(
      `the token's sub is '${plain}', where the credentials expect '${SUBJECT}': Entra would answer AADSTS700213.`,
    );
    expect(exchange).toEqual({
      name: CHECKS.exchange,
      status: 'failed',
      detail: expect.stringContaining('AADSTS700213'),
    });

    await opensWith({ aud: 'acme', sub: SUBJECT });
    expect(await detail(CHECKS.claims)).toContain(
      "the token's aud is 'acme', where the credentials expect 'azure:acme': Entra would answer AADSTS700212.",
    );
  });

  it("fails a token the issuer's published keys do not verify", async () => {
    const forged = await issuer.forge({ aud: 'azure:acme', sub: SUBJECT });
    cloud.values.set('acme/payments/prod', {
      azure: { login: { oidc: { token: forged } } },
    });
    expect(await detail(CHECKS.claims)).toMatch(
      /^The OIDC token Pulumi Cloud returned does not verify with the keys of/,
    );
  });

  it('reports role assignments missing in Azure and those the portal did not grant', async () => {
    azure.roleAssignments.length = 0;
    azure.roleAssignments.push(
      assignment('manual', `/subscriptions/${SUBSCRIPTION}`, CONTRIBUTOR),
      // Another principal's assignment is none of this identity's business.
      {
        ...assignment('other', SCOPE, READER),
        properties: {
          ...assignment('other', SCOPE, READER).properties,
          principalId: 'someone-else',
        },
      },
    );
    expect(await detail(CHECKS.roleAssignments)).toBe(
      `missing: Reader at ${SCOPE} (run the template again to restore it); not granted by the portal: Contributor at /subscriptions/${SUBSCRIPTION} (remove it in Azure, or ask for it in the template so that the portal owns it)`,
    );
  });

  it('reads every page ARM returns', async () => {
    state.roleAssignments = ['a', 'b', 'c'].map(name => ({
      logicalName: name,
      name,
      scope: `${SCOPE}-${name}`,
      roleDefinitionId: READER,
    }));
    azure.roleAssignments.length = 0;
    azure.roleAssignments.push(
      ...state.roleAssignments.map(a => assignment(a.name, a.scope, READER)),
    );
    expect((await statuses())[CHECKS.roleAssignments]).toBe('passed');
  });

  it('skips the role assignments when the deployer may not read them, rather than calling them missing', async () => {
    azure.fail[
      `GET /subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments`
    ] = {
      status: 403,
      code: 'AuthorizationFailed',
      message: 'The client does not have authorization to perform action',
    };
    const check = (await verifier().verify(ENVIRONMENT)).checks.find(
      c => c.name === CHECKS.roleAssignments,
    );
    expect(check?.status).toBe('skipped');
    expect(check?.detail).toMatch(
      /^not run: the deployer may not read role assignments \(Microsoft\.Authorization\/roleAssignments\/read\)/,
    );
  });

  describe('the default environment permission', () => {
    const check = async () =>
      (await verifier().verify(ENVIRONMENT)).checks.find(
        c => c.name === CHECKS.defaultPermission,
      );

    it.each(['open', 'write', 'admin'])(
      "flags a default of '%s', which lets every member open the environment",
      async permission => {
        cloud.organizations.set('acme', {
          defaultEnvironmentPermission: permission,
        });
        const result = await verifier().verify(ENVIRONMENT);
        expect(result.ok).toBe(false);
        expect(
          result.checks.find(c => c.name === CHECKS.defaultPermission),
        ).toEqual({
          name: CHECKS.defaultPermission,
          status: 'failed',
          detail: `every member of the Pulumi Cloud organization acme may open acme/payments/prod, and so act as its Azure service principal: the organization's default environment permission is '${permission}'. Set it to 'none' or 'read' under Settings > Access management (Enterprise and Business Critical editions), and map the owner's group to its team in pulumiAzureOidc.pulumiCloud.teams, so that provisioning grants that team open`,
        });
      },
    );

    it("flags Pulumi Cloud's own default, write, when the organization never changed it", async () => {
      cloud.organizations.delete('acme');
      expect((await check())?.status).toBe('failed');
    });

    it.each(['none', 'read'])(
      "passes a default of '%s', which leaves opening to those granted it",
      async permission => {
        cloud.organizations.set('acme', {
          defaultEnvironmentPermission: permission,
        });
        expect(await check()).toMatchObject({
          status: 'passed',
          detail: `the organization's default environment permission is '${permission}': members of acme may open acme/payments/prod only where a team or an administrator grants it`,
        });
        expect(
          cloud.seen
            .filter(r => r.url.startsWith('/api/orgs/'))
            .map(r => ({
              method: r.method,
              url: r.url,
              authorization: r.headers.authorization,
            })),
        ).toEqual([
          {
            method: 'GET',
            url: '/api/orgs/acme/metadata',
            authorization: 'token pul-token',
          },
        ]);
      },
    );

    it('skips, never guesses, when Pulumi Cloud does not tell the default', async () => {
      cloud.organizations.set('acme', {});
      expect(await check()).toEqual({
        name: CHECKS.defaultPermission,
        status: 'skipped',
        detail:
          "cannot be read through the API: Pulumi Cloud's answer to GET /api/orgs/acme/metadata holds no defaultEnvironmentPermission. Check the default environment permission of acme under Settings > Access management in Pulumi Cloud",
      });
      cloud.organizations.set('acme', {
        defaultEnvironmentPermission: 'everyone',
      });
      expect((await check())?.detail).toBe(
        "cannot be read through the API: Pulumi Cloud's answer to GET /api/orgs/acme/metadata holds the defaultEnvironmentPermission 'everyone', which the portal does not know. Check the default environment permission of acme under Settings > Access management in Pulumi Cloud",
      );
    });

    it.each([
      [404, 'Pulumi Cloud answered 404 to GET /api/orgs/acme/metadata'],
      [
        403,
        "Pulumi Cloud answered 403 to GET /api/orgs/acme/metadata (the portal's token may not read the organization's settings)",
      ],
    ])(
      'skips with the reason when Pulumi Cloud answers %s',
      async (status, reason) => {
        cloud.fail['GET /api/orgs/acme/metadata'] = {
          status,
          body: JSON.stringify({ code: status, message: 'no' }),
        };
        expect(await check()).toMatchObject({
          status: 'skipped',
          detail: `cannot be read through the API: ${reason}. Check the default environment permission of acme under Settings > Access management in Pulumi Cloud`,
        });
      },
    );
  });
});
