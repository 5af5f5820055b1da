/**
 * Who may open an environment `pulumi:azureOidc:provision` writes: the
 * owner's Pulumi Cloud team, as `pulumiCloud.teams` maps it, gets `open`
 * right after the write, through Pulumi Cloud's API on loopback.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  pulumiCloudStandIn,
  PulumiCloudStandIn,
} from '@esc-azure-oidc/test-utils';
import { EnvironmentEngine } from '../engine/engine';
import { emptyStackState } from '../engine/stackModel';
import { HttpClient } from '../http/httpClient';
import { PulumiCloudEscEnvironments } from '../pulumiCloud/pulumiCloudEscEnvironments';
import { recordingLogger } from '../__testUtils__/logger';
import { SUBSCRIPTION, TENANT } from '../__testUtils__/plans';
import {
  applyOver,
  engineMock,
  outcomeOf,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';

const OWNER = 'group:default/payments-team';
const input = {
  project: 'payments',
  environment: 'prod',
  roleAssignments: [{ role: 'Reader', scope: 'rg-payments' }],
  owner: OWNER,
  createEscEnvironment: true,
};
const TEAM = '/api/orgs/acme/teams/payments';

describe('the owner team of pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  let cloud: PulumiCloudStandIn;
  let engine: jest.Mocked<EnvironmentEngine>;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    cloud = await pulumiCloudStandIn();
    cloud.teams.set('acme/payments', { environments: [] });
    engine = engineMock();
    engine.apply.mockImplementation(
      applyOver(emptyStackState(), plan => outcomeOf(plan)),
    );
    logger = recordingLogger();
  });
  afterEach(() => cloud.close());

  const run = (
    teams: Array<{ group: string; team: string }> | undefined,
    actionInput: object = input,
    options: { isDryRun?: boolean } = {},
  ) => {
    const settings = testSettings(dir.path, {
      pulumiCloud: {
        organization: 'acme',
        apiUrl: 'https://api.pulumi.com',
        accessToken: 'pul-token',
        ...(teams ? { teams } : {}),
      },
      azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
      guardrails: {
        allowedSubscriptions: [{ id: SUBSCRIPTION }],
        allowedRoles: ['Reader'],
      },
    });
    const escEnvironments = new PulumiCloudEscEnvironments({
      apiUrl: cloud.apiUrl,
      accessToken: 'pul-token',
      http: new HttpClient({ timeoutSeconds: 5, retries: 0 }),
    });
    return provisionAction(settings, { engine, escEnvironments }).handler({
      ...createMockActionContext({ input: actionInput as any, logger }),
      ...options,
    });
  };
  const calls = () => cloud.seen.map(r => `${r.method} ${r.url}`);
  const teamCalls = () => calls().filter(c => c.includes('/api/orgs/'));

  it("grants the owner's mapped team open, and nothing more, right after writing the environment", async () => {
    await run([
      { group: 'group:default/billing-team', team: 'billing' },
      { group: OWNER, team: 'payments' },
    ]);
    expect(calls()).toEqual([
      'GET /api/esc/environments/acme/payments/prod',
      'POST /api/esc/environments/acme',
      'GET /api/esc/environments/acme/payments/prod',
      'PATCH /api/esc/environments/acme/payments/prod',
      `GET ${TEAM}`,
      `PATCH ${TEAM}`,
    ]);
    expect(JSON.parse(cloud.seen[5].body)).toEqual({
      addEnvironmentPermission: {
        projectName: 'payments',
        envName: 'prod',
        permission: 'open',
      },
    });
    expect(cloud.teams.get('acme/payments')!.environments).toEqual([
      { projectName: 'payments', envName: 'prod', permission: 'open' },
    ]);
    expect(logger.lines).toContain(
      `info Granted the Pulumi Cloud team 'payments' (${OWNER}) open on acme/payments/prod`,
    );
  });

  it.each([
    ['no team mapping', undefined],
    [
      "a mapping without the owner's group",
      [{ group: 'group:default/billing-team', team: 'billing' }],
    ],
  ])('grants nothing with %s, and says so in one line', async (_, teams) => {
    await run(teams);
    expect(teamCalls()).toEqual([]);
    expect(cloud.environments.has('acme/payments/prod')).toBe(true);
    expect(logger.lines.filter(l => l.includes('team'))).toEqual([
      `info No Pulumi Cloud team is mapped to ${OWNER} (pulumiAzureOidc.pulumiCloud.teams), so no team was granted access to acme/payments/prod: the organization's default environment permission decides which members may open it`,
    ]);
  });

  it('fails the step saying what to check when the grant fails, and a second run completes it', async () => {
    const teams = [{ group: OWNER, team: 'payments' }];
    cloud.teams.delete('acme/payments');
    await expect(run(teams)).rejects.toThrow(
      `The ESC environment acme/payments/prod was written, but granting the Pulumi Cloud team 'payments' (mapped to ${OWNER} in pulumiAzureOidc.pulumiCloud.teams) open on it failed: Pulumi Cloud has no team 'payments' in the organization acme. ` +
        "Check that the team exists in the organization acme, that the organization's edition has teams (Enterprise or Business Critical), " +
        'and that pulumiAzureOidc.pulumiCloud.accessToken belongs to an organization admin or an admin of the team; then run the template again, which grants only what is missing.',
    );
    expect(cloud.environments.has('acme/payments/prod')).toBe(true);

    // The stack of the first run records the environment it wrote.
    const recorded = {
      ...emptyStackState(),
      resources: 4,
      owner: OWNER,
      environmentRef: 'acme/payments/prod',
    };
    engine.outputs.mockResolvedValue(recorded);
    engine.apply.mockImplementation(
      applyOver(recorded, plan => outcomeOf(plan)),
    );
    cloud.teams.set('acme/payments', { environments: [] });
    cloud.seen.length = 0;
    await run(teams);
    expect(teamCalls()).toEqual([`GET ${TEAM}`, `PATCH ${TEAM}`]);
    expect(cloud.teams.get('acme/payments')!.environments).toEqual([
      { projectName: 'payments', envName: 'prod', permission: 'open' },
    ]);
  });

  it('grants nothing in a dry run, nor without createEscEnvironment', async () => {
    const teams = [{ group: OWNER, team: 'payments' }];
    await run(teams, input, { isDryRun: true });
    await run(teams, { ...input, createEscEnvironment: false });
    expect(teamCalls()).toEqual([]);
  });
});
