/**
 * Decommissioning at the Automation API boundary: a stack whose updates and
 * destroys act on an Azure stand-in, Pulumi Cloud's ESC API on loopback,
 * and a catalog that keeps locations.
 */
import {
  createMockDirectory,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  AzureStandIn,
  azureStandIn,
  PulumiCloudStandIn,
  pulumiCloudStandIn,
} from '@esc-azure-oidc/test-utils';
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { EnvironmentLocks } from '../coordination/environmentLocks';
import { moduleDatabase } from '../database';
import { StackLockedError } from '../engine/engine';
import { HttpClient } from '../http/httpClient';
import { LocalDestination } from '../catalogDestinations/localDestination';
import { Stewardship } from '../provisioning/stewardship';
import { PulumiCloudEscEnvironments } from '../pulumiCloud/pulumiCloudEscEnvironments';
import { SecretRedactor } from '../secrets';
import { automationEngineOver } from '../__testUtils__/automationEngine';
import { CatalogWithLocations } from '../__testUtils__/catalog';
import {
  fakeAzureStack,
  FakeAzureStack,
} from '../__testUtils__/fakeAzureStack';
import { recordingLogger } from '../__testUtils__/logger';
import { testPlan } from '../__testUtils__/plans';
import { ADA } from '../__testUtils__/stewardship';
import { Decommissioner, DecommissionTask } from './decommissioner';
import { EnvironmentTarget } from './environmentTarget';

const TARGET: EnvironmentTarget = {
  environment: {
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
  },
  environmentRef: 'acme/payments/prod',
  entityName: escEnvironmentEntityName({
    organization: 'acme',
    project: 'payments',
    environment: 'prod',
  }),
};
const REQUESTER = { ...ADA, administrator: false };
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const CANARY = 'deployer-canary-secret-0009';

describe('Decommissioner', () => {
  const dir = createMockDirectory();
  let azure: AzureStandIn;
  let cloud: PulumiCloudStandIn;
  let stack: FakeAzureStack;
  let catalog: CatalogWithLocations;
  let logger: ReturnType<typeof recordingLogger>;

  const plan = testPlan({
    roleAssignments: [
      { role: 'Reader' },
      { role: 'Contributor', scope: 'rg-payments' },
    ],
  });
  const engine = () =>
    automationEngineOver({
      dataDirectory: dir.resolve('data'),
      config: { azure: { tenantId: azure.tenantId } },
      redactor: new SecretRedactor([CANARY]),
      createOrSelectStack: async () => stack,
    });
  const entityFile = () =>
    dir.resolve(`catalog/${TARGET.entityName}/catalog-info.yaml`);
  const escRef = 'acme/payments/prod';

  beforeEach(async () => {
    dir.clear();
    [azure, cloud] = await Promise.all([azureStandIn(), pulumiCloudStandIn()]);
    stack = fakeAzureStack(azure);
    await engine().apply(plan, { authorize: () => {} });
    cloud.environments.set(escRef, {
      yaml: '# Managed by the portal: the next run of its template overwrites edits here.\nvalues: {}\n',
      revision: 1,
    });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: TARGET.entityName,
        namespace: 'default',
        uid: 'entity-uid',
        annotations: {
          'backstage.io/managed-by-location': `file:${entityFile()}`,
          [ESC_ANNOTATIONS.organization]: 'acme',
          [ESC_ANNOTATIONS.project]: 'payments',
          [ESC_ANNOTATIONS.environment]: 'prod',
        },
      },
      spec: {
        type: 'pulumi-esc-environment',
        owner: 'group:default/payments-team',
      },
    };
    dir.setContent({
      [`catalog/${TARGET.entityName}/catalog-info.yaml`]: stringify(entity),
      [`catalog/${TARGET.entityName}/environment.yaml`]: 'values: {}\n',
    });
    catalog = new CatalogWithLocations([entity]);
    logger = recordingLogger();
  });
  afterEach(() => Promise.all([azure.close(), cloud.close()]));

  function decommissioner(
    options: { escEnvironments?: boolean; locks?: EnvironmentLocks } = {},
  ) {
    const auth = mockServices.auth();
    const http = new HttpClient({ timeoutSeconds: 5, retries: 0 });
    return new Decommissioner({
      engine: engine(),
      stewardship: new Stewardship({
        auth,
        catalog,
        userInfo: mockServices.userInfo(ADA),
        administrators: [],
        localCatalogDirectory: dir.resolve('catalog'),
      }),
      escEnvironments:
        options.escEnvironments === false
          ? undefined
          : new PulumiCloudEscEnvironments({
              apiUrl: cloud.apiUrl,
              accessToken: 'pul-token',
              http,
            }),
      catalog,
      auth,
      roles: new RoleCatalogue(),
      redactor: new SecretRedactor([CANARY]),
      destination: new LocalDestination(dir.resolve('catalog')),
      locks: options.locks,
    });
  }
  const task = (changes: Partial<DecommissionTask> = {}): DecommissionTask => ({
    target: TARGET,
    requester: REQUESTER,
    confirm: 'acme/payments/prod',
    confirmDependants: [],
    dryRun: false,
    log: logger,
    ...changes,
  });
  const whatIsLeft = async () => ({
    applications: azure.applications.length,
    servicePrincipals: azure.servicePrincipals.length,
    roleAssignments: azure.roleAssignments.length,
    stack: stack.resources.length,
    esc: cloud.environments.has(escRef),
    entity: !!(await catalog.getEntityByRef(
      `resource:default/${TARGET.entityName}`,
    )),
    locations: catalog.locations.length,
  });
  const everything = {
    applications: 1,
    servicePrincipals: 1,
    roleAssignments: 2,
    stack: 5,
    esc: true,
    entity: true,
    locations: 1,
  };

  it('lists in a dry run everything it would remove, and removes nothing', async () => {
    const outcome = await decommissioner().decommission(task({ dryRun: true }));
    expect(outcome.removed).toEqual([
      expect.stringMatching(
        /^federated credential 'pulumi-esc-current-environment' for /,
      ),
      `role assignment 'Reader' on ${plan.roleAssignments[0].scope.id}`,
      `role assignment 'Contributor' on ${plan.roleAssignments[1].scope.id}`,
      'its service principal',
      expect.stringMatching(/^Entra application /),
      expect.stringMatching(/^Pulumi stack acme\.payments\.prod-/),
      'ESC environment acme/payments/prod in Pulumi Cloud',
      `catalog entity resource:default/${TARGET.entityName}`,
      `its files, ${TARGET.entityName}/ in the portal's local catalog directory`,
    ]);
    // The task log names no path of the server's.
    expect(logger.lines.join('\n')).not.toContain(dir.path);
    expect(outcome.alreadyGone).toBe(false);
    expect(await whatIsLeft()).toEqual(everything);
    expect(logger.lines[0]).toMatch(/^info would remove: federated credential/);
  });

  it('removes the credentials first, then the rest, the ESC environment and the entity with its files', async () => {
    const outcome = await decommissioner().decommission(task());
    expect(stack.destroyed.slice(0, 1)).toEqual([
      plan.credentials[0].logicalName,
    ]);
    expect(stack.destroyed.slice(-1)).toEqual(['application']);
    expect(stack.removed).toBe(true);
    expect(await whatIsLeft()).toEqual({
      applications: 0,
      servicePrincipals: 0,
      roleAssignments: 0,
      stack: 0,
      esc: false,
      entity: false,
      locations: 0,
    });
    expect(existsSync(dir.resolve(`catalog/${TARGET.entityName}`))).toBe(false);
    expect(outcome.kept).toEqual([]);
    expect(logger.lines).toContain(
      `info deleted: federated credential 'pulumi-esc-current-environment' for ${plan.credentials[0].subject}`,
    );
  });

  it('refuses a wrong confirmation and a requester who does not own it, before any change', async () => {
    await expect(
      decommissioner().decommission(task({ confirm: 'prod' })),
    ).rejects.toThrow(
      new InputError(
        "confirm must be the environment's full name, 'acme/payments/prod', to decommission it; got 'prod'",
      ),
    );
    const stranger = {
      userEntityRef: 'user:default/eve',
      ownershipEntityRefs: ['user:default/eve', 'group:default/billing-team'],
      administrator: false,
    };
    const refused = decommissioner().decommission(
      task({ requester: stranger }),
    );
    await expect(refused).rejects.toBeInstanceOf(NotAllowedError);
    await expect(refused).rejects.toThrow(
      /^Cannot decommission acme\/payments\/prod: it belongs to group:default\/payments-team/,
    );
    expect(await whatIsLeft()).toEqual(everything);
  });

  it('refuses while others use it, unless each is confirmed by name', async () => {
    cloud.referrers.set(escRef, [
      { environment: { project: 'payments', name: 'app', revision: 3 } },
      { stack: { project: 'payments-infra', stack: 'prod', version: 12 } },
    ]);
    await expect(
      decommissioner().decommission(
        task({ confirmDependants: ['payments/app'] }),
      ),
    ).rejects.toThrow(
      "acme/payments/prod is in use: payments-infra/prod (stack using it). They would lose their Azure login. Confirm each by name in confirmDependants to decommission it anyway. Pulumi Cloud's list may be incomplete: it cannot see `esc run` in pipelines, or stacks on DIY backends.",
    );
    expect(await whatIsLeft()).toEqual(everything);

    await decommissioner().decommission(
      task({ confirmDependants: ['payments/app', 'payments-infra/prod'] }),
    );
    expect((await whatIsLeft()).applications).toBe(0);
    expect(logger.lines).toContain(
      'warn Decommissioning although in use, as confirmed: payments/app, payments-infra/prod',
    );
  });

  it('leaves an ESC environment the portal did not write, and says so', async () => {
    cloud.environments.set(escRef, {
      yaml: 'values: { handWritten: true }\n',
      revision: 2,
    });
    const outcome = await decommissioner().decommission(task());
    expect(cloud.environments.has(escRef)).toBe(true);
    expect(outcome.kept).toEqual([
      "ESC environment acme/payments/prod in Pulumi Cloud: the portal did not write its definition, so it is not the portal's to delete",
    ]);
    expect(logger.lines).toContain(`warn kept: ${outcome.kept[0]}`);
  });

  it('finishes what a half-finished run left, and succeeds on what is gone', async () => {
    cloud.fail[`DELETE /api/esc/environments/${escRef}`] = {
      status: 500,
      body: JSON.stringify({ code: 500, message: 'try again later' }),
    };
    await expect(decommissioner().decommission(task())).rejects.toThrow(
      /try again later/,
    );
    expect(await whatIsLeft()).toMatchObject({
      applications: 0,
      esc: true,
      entity: true,
    });

    delete cloud.fail[`DELETE /api/esc/environments/${escRef}`];
    stack = fakeAzureStack(azure);
    await decommissioner().decommission(task());
    expect(await whatIsLeft()).toMatchObject({ esc: false, entity: false });

    const again = await decommissioner().decommission(task());
    expect(again).toEqual({ removed: [], kept: [], alreadyGone: true });
    expect(logger.lines).toContain(
      'info Nothing of acme/payments/prod was left to remove',
    );
  });

  it('finishes the destroy of a replica that died in it, once its lease has expired, and only then cancels its update', async () => {
    // What the dead replica left: its destroy's lock on the stack, and its
    // lease on the environment, which nobody renews.
    stack.locked = true;
    const knex = await databases.init('SQLITE_3');
    const locks = new EnvironmentLocks(
      await moduleDatabase({
        getClient: async () => knex,
        migrations: { skip: false },
      }),
      { leaseMs: 5_000, waitMs: 10_000, pollMs: 20 },
    );
    await expect(
      decommissioner({ locks }).decommission(task()),
    ).rejects.toBeInstanceOf(StackLockedError);
    expect(await whatIsLeft()).toEqual(everything);

    await knex('pulumi_azure_oidc_environment_locks').insert({
      environment_key: 'acme/payments/prod',
      holder: 'dead-replica',
      held_for: 'a decommission run by user:default/bob',
      expires_at: Date.now() - 1,
    });
    await decommissioner({ locks }).decommission(task());
    expect(await whatIsLeft()).toMatchObject({
      applications: 0,
      roleAssignments: 0,
      esc: false,
      entity: false,
    });
    expect(stack.locked).toBe(false);
    expect(logger.lines).toContain(
      'info The stack is still locked by the update of a decommission run by user:default/bob, which stopped without finishing: cancelling that update (pulumi cancel) and going on',
    );
    expect(logger.lines).toContain(
      'info The lease on acme/payments/prod expired while held for a decommission run by user:default/bob, which stopped without finishing (its replica no longer renews it): taking it over',
    );
    expect(await knex('pulumi_azure_oidc_environment_locks')).toEqual([]);
  });

  it('keeps secrets out of a failed destroy', async () => {
    stack.failDestroy = `token ${CANARY} refused`;
    const failed = await decommissioner()
      .decommission(task())
      .catch(e => e);
    expect(failed.message).toContain('token *** refused');
    expect(`${failed.message}${failed.details}`).not.toContain(CANARY);
    expect(logger.lines.join('\n')).not.toContain(CANARY);
  });
});
