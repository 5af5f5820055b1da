/**
 * The real thing, against a real Entra tenant, Azure subscription and Pulumi
 * Cloud organization (`yarn verify:live`). Opt-in: it creates, proves and
 * then destroys applications, service principals, credentials, role
 * assignments and ESC environments. See the package README for the
 * variables it needs. The project's CI does not run it.
 *
 * `esc open` returns Pulumi's token whatever Entra would say of it, so each
 * case decodes the token, compares its claims with the credentials, has
 * Entra exchange it and asks ARM what the identity may do at each scope.
 */
import { ConfigReader } from '@backstage/config';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { EscEnvironmentRef } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Document } from 'yaml';
import { createPulumiAzureOidcProvisionAction } from './actions/provision';
import { configuredSecrets, readPulumiAzureOidcConfig } from './config';
import { HttpClient } from './http/httpClient';
import { PulumiCloudEscEnvironments } from './pulumiCloud/pulumiCloudEscEnvironments';
import { SecretRedactor } from './secrets';
import { Check } from './lifecycle/checks';
import { CHECKS } from './lifecycle/trustVerifier';
import {
  automationApiEngine,
  environmentProvisioner,
  trustVerifier,
} from './wiring';
import { testStewardship } from './__testUtils__/stewardship';

const REQUIRED = [
  'PULUMI_AZURE_OIDC_LIVE_TEST',
  'PULUMI_ACCESS_TOKEN',
  'LIVE_PULUMI_ORGANIZATION',
  'ARM_TENANT_ID',
  'ARM_CLIENT_ID',
  'ARM_CLIENT_SECRET',
  'LIVE_SUBSCRIPTION_ID',
  'LIVE_RESOURCE_GROUP',
];
const missing = REQUIRED.filter(name => !process.env[name]);
const title =
  missing.length === 0
    ? 'live: a real tenant and Pulumi Cloud'
    : `live: not run, because ${missing.join(', ')} ${
        missing.length === 1 ? 'is' : 'are'
      } unset (opt-in: yarn verify:live; see the README)`;
/** The Key Vault shape needs a vault, its resource id, and a secret in it. */
const keyVault = process.env.LIVE_KEY_VAULT;
const itWithKeyVault =
  keyVault &&
  process.env.LIVE_KEY_VAULT_SCOPE &&
  process.env.LIVE_KEY_VAULT_SECRET
    ? it
    : it.skip;

if (missing.length > 0) {
  // eslint-disable-next-line no-console
  console.warn(`Skipped: ${title}`);
}
const describeLive = missing.length === 0 ? describe : describe.skip;

/** Everything the cases share, built only when they run. */
function liveSetUp() {
  const env = process.env as Record<string, string>;
  const dir = createMockDirectory();
  const escCreated: EscEnvironmentRef[] = [];
  const run = `run-${Date.now()}`;
  const project = 'backstage-live-test';

  const settings = readPulumiAzureOidcConfig(
    new ConfigReader({
      pulumiAzureOidc: {
        dataDirectory: dir.path,
        pulumiCloud: {
          organization: env.LIVE_PULUMI_ORGANIZATION,
          accessToken: env.PULUMI_ACCESS_TOKEN,
        },
        azure: {
          tenantId: env.ARM_TENANT_ID,
          defaultSubscriptionId: env.LIVE_SUBSCRIPTION_ID,
          credentials: {
            type: 'clientSecret',
            clientId: env.ARM_CLIENT_ID,
            clientSecret: env.ARM_CLIENT_SECRET,
          },
        },
        guardrails: {
          allowedSubscriptions: [{ id: env.LIVE_SUBSCRIPTION_ID }],
          allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
          allowSubscriptionScope: true,
        },
      },
    }),
  );
  const redactor = new SecretRedactor(configuredSecrets(settings));
  const http = new HttpClient(settings.network);
  const esc = new PulumiCloudEscEnvironments({
    apiUrl: settings.pulumiCloud.apiUrl,
    accessToken: env.PULUMI_ACCESS_TOKEN,
    http,
  });
  // The engine and the service the module builds, as a backend runs them.
  const logger = mockServices.logger.mock();
  const engine = automationApiEngine({ settings, redactor, logger, http });
  const stewardship = testStewardship();
  const action = createPulumiAzureOidcProvisionAction({
    stewardship,
    provisioner: environmentProvisioner(settings, {
      engine,
      stewardship,
      redactor,
      http,
      escEnvironments: esc,
    }),
  });

  async function provision(input: Record<string, unknown>) {
    const ctx = createMockActionContext<any>({
      input: { createEscEnvironment: true, ...input },
    });
    await action.handler(ctx);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    escCreated.push({
      organization: env.LIVE_PULUMI_ORGANIZATION,
      project: String(input.project),
      environment: String(input.environment),
    });
    return outputs;
  }

  /**
   * Checks every link of an environment's trust, opened directly or
   * through one that imports it; Entra replicates new credentials within
   * minutes, so a failing link is tried again for a while.
   */
  const verifier = trustVerifier(settings, {
    engine,
    redactor,
    http,
    escEnvironments: esc,
  });
  async function proveTrust(
    verified: EscEnvironmentRef,
    openedAs?: EscEnvironmentRef,
  ): Promise<Check[]> {
    let checks: Check[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      // The links of the trust; who else may open it is the test
      // organization's policy, which the check of its own reports.
      checks = (await verifier.verify(verified, { openedAs })).checks.filter(
        check => check.name !== CHECKS.defaultPermission,
      );
      if (checks.every(check => check.status === 'passed')) break;
      await new Promise(resolve => setTimeout(resolve, 15_000));
    }
    return checks;
  }

  return { env, esc, engine, escCreated, run, project, provision, proveTrust };
}

describeLive(title, () => {
  let live: ReturnType<typeof liveSetUp>;
  beforeAll(() => {
    live = liveSetUp();
  });
  /** The links of a trust that did not pass; none when it works. */
  const failing = (checks: Check[]) =>
    checks.filter(check => check.status !== 'passed');

  afterAll(async () => {
    // Everything, even after a failed assertion; one failure does not stop the rest.
    const failures: string[] = [];
    for (const environment of live.escCreated) {
      await live.esc.remove(environment).catch(e => failures.push(String(e)));
    }
    for (const environment of live.escCreated) {
      await live.engine
        .destroy(environment, { authorize: () => {} })
        .catch(e => failures.push(String(e)));
    }
    await live.engine.close?.();
    if (failures.length > 0) {
      throw new Error(`Clean-up left things behind:\n${failures.join('\n')}`);
    }
  }, 900_000);

  const roles = () => [
    { role: 'Reader', scope: process.env.LIVE_RESOURCE_GROUP },
  ];
  let direct: Record<string, any>;

  it('proves the trust of an environment opened directly, and a second run changes nothing', async () => {
    direct = await live.provision({
      project: live.project,
      environment: live.run,
      roleAssignments: roles(),
    });
    expect(direct.subjectMode).toBe('subjectAttributes');
    expect(
      failing(
        await live.proveTrust({
          organization: live.env.LIVE_PULUMI_ORGANIZATION,
          project: live.project,
          environment: live.run,
        }),
      ),
    ).toEqual([]);
    const second = await live.provision({
      project: live.project,
      environment: live.run,
      roleAssignments: roles(),
    });
    expect(second.changes).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 0,
      replaced: 0,
    });
    expect(second.escEnvironmentChange).toBe('unchanged');
  }, 1_200_000);

  it('proves the trust when another environment imports it', async () => {
    const importer = {
      organization: live.env.LIVE_PULUMI_ORGANIZATION,
      project: live.project,
      environment: `${live.run}-importer`,
    };
    await live.esc.write(
      importer,
      new Document({ imports: [`${live.project}/${live.run}`] }).toString(),
      undefined,
    );
    live.escCreated.push(importer);
    const imported = {
      organization: live.env.LIVE_PULUMI_ORGANIZATION,
      project: live.project,
      environment: live.run,
    };
    expect(failing(await live.proveTrust(imported, importer))).toEqual([]);
  }, 1_200_000);

  it('proves the trust in the legacy default project', async () => {
    const legacy = await live.provision({
      project: 'default',
      environment: `${live.run}-legacy`,
      roleAssignments: roles(),
    });
    expect(legacy.audience).toBe(live.env.LIVE_PULUMI_ORGANIZATION);
    expect(
      failing(
        await live.proveTrust({
          organization: live.env.LIVE_PULUMI_ORGANIZATION,
          project: 'default',
          environment: `${live.run}-legacy`,
        }),
      ),
    ).toEqual([]);
  }, 1_200_000);

  // With an azure-secrets block ESC itself exchanges the token while it
  // opens, so a broken trust fails the open instead of a later login.
  async function opensWithKeyVault() {
    const withVault = await live.provision({
      project: live.project,
      environment: `${live.run}-vault`,
      roleAssignments: [
        ...roles(),
        {
          role: 'Key Vault Secrets User',
          scope: live.env.LIVE_KEY_VAULT_SCOPE,
        },
      ],
      keyVault: { name: keyVault, secrets: [live.env.LIVE_KEY_VAULT_SECRET] },
    });
    const values: any = await live.esc.open({
      organization: live.env.LIVE_PULUMI_ORGANIZATION,
      project: live.project,
      environment: `${live.run}-vault`,
    });
    expect(values.azure.secrets[live.env.LIVE_KEY_VAULT_SECRET]).toEqual(
      expect.any(String),
    );
    expect(withVault.clientId).toBe(values.azure.login.clientId);
  }
  itWithKeyVault(
    'opens an environment whose Key Vault block ESC exchanges the token for (needs LIVE_KEY_VAULT, LIVE_KEY_VAULT_SCOPE, LIVE_KEY_VAULT_SECRET)',
    opensWithKeyVault,
    1_200_000,
  );
});
