import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CommandError, EngineEvent } from '@pulumi/pulumi/automation';
import { parse } from 'yaml';
import {
  EngineCancelledError,
  EngineFailedError,
  EnvironmentEngine,
  StackLockedError,
} from '../engine/engine';
import { fromPulumiEvent } from '../engine/automation/pulumiEvents';
import { EngineStack } from '../engine/automation/workspace';
import { emptyStackState, StackState } from '../engine/stackModel';
import { ProvisionOutcome } from '../provisioning/environmentProvisioner';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { configuredSecrets } from '../config';
import { SecretRedactor } from '../secrets';
import { automationEngineOver } from '../__testUtils__/automationEngine';
import { diagnostic, resourceStep } from '../__testUtils__/events';
import { CANARIES, canaryConfig } from '../__testUtils__/canaries';
import { recordingLogger } from '../__testUtils__/logger';
import { SUBSCRIPTION, TENANT } from '../__testUtils__/plans';
import {
  applyOver,
  engineMock,
  escEnvironmentsMock,
  persistentCheckpoints,
  provisionAction,
  STACK_NAME,
  testSettings,
} from '../__testUtils__/provisioning';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';

const baseConfig = canaryConfig;

const input = {
  project: 'payments',
  environment: 'prod',
  roleAssignments: [
    { role: 'Reader' },
    { role: 'Contributor', scope: 'rg-payments' },
  ],
  owner: 'group:default/payments-team',
};

const outcome: ProvisionOutcome = {
  stackName: STACK_NAME,
  outputs: {
    clientId: 'c1d2e3f4-0000-0000-0000-000000000001',
    tenantId: TENANT,
    subscriptionId: SUBSCRIPTION,
    applicationObjectId: 'app-object',
    servicePrincipalObjectId: 'sp-object',
    issuer: 'https://api.pulumi.com/oidc',
    audience: 'azure:acme',
    subjects: [
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod',
    ],
    subjectMode: 'subjectAttributes',
    subjectAttributes: ['currentEnvironment.name'],
    federatedCredentialIds: ['fic-1'],
    roleAssignmentIds: ['ra-1', 'ra-2'],
    environmentRef: 'acme/payments/prod',
    environmentYaml: '# Managed by the portal\nvalues: {}\n',
    owner: 'group:default/payments-team',
  },
  changes: { created: 6, updated: 0, replaced: 0, deleted: 0, same: 0 },
};

/** The state of a stack nothing was deployed to yet. */
const NEW_STACK: StackState = emptyStackState();
/** A stack an earlier run for `owner` deployed. */
const stackOf = (
  owner?: string,
  environmentRef = 'acme/payments/prod',
): StackState => ({
  ...emptyStackState(),
  resources: 4,
  owner,
  environmentRef,
});

/**
 * An engine that reads `state` from the stack, reports what Pulumi says
 * (`events`), then ends as `end` says (by default, with `outcome`).
 */
const fakeEngine = ({
  state = NEW_STACK,
  events = [],
  end = () => outcome,
}: {
  state?: StackState;
  events?: EngineEvent[];
  end?: () => ProvisionOutcome;
} = {}): EnvironmentEngine['apply'] =>
  applyOver(state, (_plan, { onEvent }) => {
    for (const event of events.map(fromPulumiEvent)) {
      if (event) onEvent?.(event);
    }
    return end();
  });

const HAND_OVER =
  "To hand it to the portal, add '# Managed by the portal' at the top of its definition and ask a golden path administrator (pulumiAzureOidc.administrators) to run the template for it once; or choose another name.";

describe('pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  const settings = testSettings(dir.path, baseConfig);
  let engine: jest.Mocked<EnvironmentEngine>;
  let escEnvironments: jest.Mocked<EscEnvironments>;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(() => {
    engine = engineMock();
    engine.apply.mockImplementation(fakeEngine());
    escEnvironments = escEnvironmentsMock();
    logger = recordingLogger();
  });

  const action = (stewardship = testStewardship()) =>
    provisionAction(settings, { engine, escEnvironments, stewardship });
  const context = (actionInput: object, extra: object = {}) => ({
    ...createMockActionContext({
      input: actionInput as any,
      logger,
      user: { ref: 'user:default/ada' },
    }),
    ...extra,
  });

  it('refuses bad input with every problem, before anything reaches the engine', async () => {
    const ctx = context({
      ...input,
      environment: 'prod env',
      roleAssignments: [
        { role: 'Owner' },
        {
          role: 'Reader',
          scope: '/subscriptions/99999999-2222-3333-4444-555555555555',
        },
      ],
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      [
        'Cannot provision acme/payments/prod env:',
        "environment must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
        "roleAssignments[0].role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
        `roleAssignments[1].scope must lie inside the subscription ${SUBSCRIPTION}`,
      ].join('\n'),
    );
    expect(engine.apply).not.toHaveBeenCalled();
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('provisions through the engine and outputs every id, the YAML and links', async () => {
    const ctx = context(input);
    await action().handler(ctx);

    const [plan] = engine.apply.mock.calls[0];
    expect(plan).toMatchObject({
      environmentRef: 'acme/payments/prod',
      subscriptionId: SUBSCRIPTION,
      owner: 'group:default/payments-team',
    });
    expect(plan.application.notes).toContain('Requested by: user:default/ada.');
    const { federatedCredentialIds, roleAssignmentIds, ...outputs } =
      outcome.outputs;
    expect(Object.fromEntries((ctx.output as jest.Mock).mock.calls)).toEqual({
      ...outputs,
      escEnvironmentCreated: false,
      stackName: outcome.stackName,
      changes: outcome.changes,
      pulumiCloudUrl: 'https://app.pulumi.com/acme/esc/payments/prod',
      azurePortalUrl:
        'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/c1d2e3f4-0000-0000-0000-000000000001',
      links: [
        {
          title: 'ESC environment acme/payments/prod',
          url: 'https://app.pulumi.com/acme/esc/payments/prod',
        },
        {
          title: 'Entra application Pulumi ESC acme/payments/prod',
          url: 'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/c1d2e3f4-0000-0000-0000-000000000001',
        },
      ],
      // What the entity page shows, and Update starts from.
      roleAssignments: [
        {
          role: 'Reader',
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          scope: `/subscriptions/${SUBSCRIPTION}`,
        },
        {
          role: 'Contributor',
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
          scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
        },
      ],
      // The answers with the portal's defaults filled in (see answeredRequest).
      request: expect.objectContaining({
        project: 'payments',
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['currentEnvironment.name'],
        owner: 'group:default/payments-team',
      }),
    });
    expect(logger.lines).toEqual([
      'info Subject mode subjectAttributes (currentEnvironment.name): tokens name the environment holding the login, whoever opens it (the default for new environments)',
      'info Provisioning the Azure identity of the ESC environment acme/payments/prod',
      'info The Azure identity of acme/payments/prod is ready: client id c1d2e3f4-0000-0000-0000-000000000001 (6 created, 0 updated, 0 replaced, 0 deleted, 0 unchanged)',
    ]);
    expect(escEnvironments.read).not.toHaveBeenCalled();
    expect(escEnvironments.write).not.toHaveBeenCalled();
  });

  it('writes the ESC environment in Pulumi Cloud once the trust exists, over what it read before', async () => {
    const order: string[] = [];
    const current = {
      yaml: '# Managed by the portal\nvalues: { old: true }\n',
      etag: 'e1/4',
    };
    escEnvironments.read.mockImplementation(async () => {
      order.push('read');
      return current;
    });
    // The portal's own record of the environment: its stack's last update.
    engine.outputs.mockResolvedValue(stackOf('group:default/payments-team'));
    engine.apply.mockImplementation(
      fakeEngine({
        end: () => {
          order.push('provision');
          return outcome;
        },
      }),
    );
    escEnvironments.write.mockImplementation(async () => {
      order.push('write');
      return 'updated';
    });
    const controller = new AbortController();
    const ctx = context(
      { ...input, createEscEnvironment: true },
      { signal: controller.signal },
    );
    await action().handler(ctx);

    expect(order).toEqual(['read', 'provision', 'write']);
    const environment = {
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    };
    expect(escEnvironments.read).toHaveBeenCalledWith(
      environment,
      controller.signal,
    );
    expect(escEnvironments.write).toHaveBeenCalledWith(
      environment,
      outcome.outputs.environmentYaml,
      current,
      controller.signal,
    );
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.escEnvironmentCreated).toBe(true);
    expect(outputs.escEnvironmentChange).toBe('updated');
    expect(logger.lines).toContain(
      'info updated: ESC environment acme/payments/prod in Pulumi Cloud',
    );
  });

  it('refuses an ESC environment the portal did not write, before anything changes', async () => {
    escEnvironments.read.mockResolvedValue({
      yaml: 'values:\n  handWritten: true\n',
      etag: 'e1/1',
    });
    await expect(
      action().handler(context({ ...input, createEscEnvironment: true })),
    ).rejects.toThrow(
      `Cannot provision acme/payments/prod: the ESC environment exists in Pulumi Cloud and is not the portal's; its definition does not begin with '# Managed by the portal'. ${HAND_OVER}`,
    );
    expect(engine.apply).not.toHaveBeenCalled();
    expect(escEnvironments.write).not.toHaveBeenCalled();
  });

  describe('an ESC environment that exists already', () => {
    const EMPTY = { yaml: '', etag: 'e1/1' };
    const MARKED = {
      yaml: '# Managed by the portal\nvalues: {}\n',
      etag: 'e1/2',
    };

    it.each([
      ['empty, as `esc env init` leaves it', EMPTY],
      ['carrying the marker someone typed', MARKED],
    ])(
      'is not adopted when %s and the portal has no record of it',
      async (_, current) => {
        escEnvironments.read.mockResolvedValue(current);
        await expect(
          action().handler(context({ ...input, createEscEnvironment: true })),
        ).rejects.toThrow(
          `Cannot provision acme/payments/prod: the ESC environment exists in Pulumi Cloud, but the portal has no record of creating it. ${HAND_OVER}`,
        );
        expect(engine.apply).not.toHaveBeenCalled();
        expect(escEnvironments.write).not.toHaveBeenCalled();
      },
    );

    it("is not adopted on the record of another environment's stack", async () => {
      escEnvironments.read.mockResolvedValue(MARKED);
      engine.outputs.mockResolvedValue(
        stackOf('group:default/payments-team', 'acme/payments/Prod'),
      );
      await expect(
        action().handler(context({ ...input, createEscEnvironment: true })),
      ).rejects.toThrow('the portal has no record of creating it');
      expect(escEnvironments.write).not.toHaveBeenCalled();
    });

    it('is finished when the portal created it and could not write it', async () => {
      escEnvironments.read.mockResolvedValue(EMPTY);
      engine.outputs.mockResolvedValue(stackOf('group:default/payments-team'));
      await action().handler(context({ ...input, createEscEnvironment: true }));
      expect(escEnvironments.write).toHaveBeenCalledWith(
        expect.objectContaining({ environment: 'prod' }),
        outcome.outputs.environmentYaml,
        EMPTY,
        undefined,
      );
    });

    it('is adopted when an administrator asks, and the log says who', async () => {
      escEnvironments.read.mockResolvedValue(MARKED);
      const administrator = testStewardship({
        administrators: ['user:default/ada'],
      });
      await action(administrator).handler(
        context({ ...input, createEscEnvironment: true }),
      );
      expect(escEnvironments.write).toHaveBeenCalledWith(
        expect.anything(),
        outcome.outputs.environmentYaml,
        MARKED,
        undefined,
      );
      expect(logger.lines).toContain(
        'info Adopting the existing ESC environment acme/payments/prod at the request of user:default/ada, a golden path administrator',
      );
    });
  });

  describe('stewardship', () => {
    const entityName = escEnvironmentEntityName({
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    });

    it("refuses an owner the user does not belong to, with the form's other problems", async () => {
      await expect(
        action().handler(
          context({ ...input, owner: 'group:default/billing-team' }),
        ),
      ).rejects.toThrow(
        "owner must be you or a group you belong to (group:default/payments-team); 'group:default/billing-team' is neither.",
      );
      expect(engine.apply).not.toHaveBeenCalled();
    });

    it("refuses another team's environment as the catalog records it, in dry runs too", async () => {
      const stewardship = testStewardship({
        entities: [ownedEntity(entityName, 'group:default/billing-team')],
      });
      for (const isDryRun of [false, true]) {
        const ctx = context(input, { isDryRun });
        await expect(action(stewardship).handler(ctx)).rejects.toThrow(
          `Cannot provision acme/payments/prod: it belongs to group:default/billing-team (recorded in the catalog entity resource:default/${entityName}); only its owners and platform administrators may change it.`,
        );
        expect(ctx.output).not.toHaveBeenCalled();
      }
      expect(engine.apply).not.toHaveBeenCalled();
    });

    it("refuses another team's environment as its stack records it", async () => {
      engine.apply.mockImplementation(
        fakeEngine({ state: stackOf('group:default/billing-team') }),
      );
      await expect(
        action().handler(context({ ...input, createEscEnvironment: true })),
      ).rejects.toThrow(
        'Cannot provision acme/payments/prod: it belongs to group:default/billing-team (recorded in its Pulumi stack acme.payments.prod-0123456789ab); only its owners and platform administrators may change it.',
      );
      expect(escEnvironments.write).not.toHaveBeenCalled();
    });

    it("lets owners re-run their environment, and administrators anyone's", async () => {
      engine.apply.mockImplementation(
        fakeEngine({ state: stackOf('group:default/payments-team') }),
      );
      const own = testStewardship({
        entities: [ownedEntity(entityName, 'payments-team')],
      });
      await expect(action(own).handler(context(input))).resolves.toBe(
        undefined,
      );

      engine.apply.mockImplementation(
        fakeEngine({ state: stackOf('group:default/billing-team') }),
      );
      const administrator = testStewardship({
        entities: [ownedEntity(entityName, 'group:default/billing-team')],
        administrators: ['group:default/payments-team'],
      });
      await expect(
        action(administrator).handler(
          context({ ...input, owner: 'group:default/billing-team' }),
        ),
      ).resolves.toBe(undefined);
      expect(engine.apply).toHaveBeenCalledTimes(2);
    });

    it('leaves a stack that records no owner, or a local file that names none, to administrators', async () => {
      engine.apply.mockImplementation(
        fakeEngine({ state: stackOf(undefined) }),
      );
      await expect(action().handler(context(input))).rejects.toThrow(
        'Cannot provision acme/payments/prod: it has its Pulumi stack acme.payments.prod-0123456789ab, which records no owner; only platform administrators may change it.',
      );
      const administrator = testStewardship({
        administrators: ['user:default/ada'],
      });
      await expect(action(administrator).handler(context(input))).resolves.toBe(
        undefined,
      );

      dir.setContent({
        [`catalog/${entityName}/catalog-info.yaml`]: 'not: [an entity',
      });
      const local = testStewardship({
        localCatalogDirectory: dir.resolve('catalog'),
      });
      engine.apply.mockClear();
      await expect(action(local).handler(context(input))).rejects.toThrow(
        'Cannot provision acme/payments/prod: it has the local catalog directory, which records no owner; only platform administrators may change it.',
      );
      expect(engine.apply).not.toHaveBeenCalled();
    });

    it('refuses a name that differs from a recorded one in letter case only', async () => {
      const stewardship = testStewardship({
        entities: [
          ownedEntity(
            entityName,
            'group:default/payments-team',
            'acme/payments/Prod',
          ),
        ],
      });
      await expect(action(stewardship).handler(context(input))).rejects.toThrow(
        `Cannot provision acme/payments/prod: it would share the catalog entity resource:default/${entityName} with acme/payments/Prod, whose name differs only in letter case; choose another name.`,
      );
      engine.apply.mockImplementation(
        fakeEngine({
          state: stackOf('group:default/payments-team', 'acme/payments/PROD'),
        }),
      );
      await expect(action().handler(context(input))).rejects.toThrow(
        'it would share its Pulumi stack acme.payments.prod-0123456789ab with acme/payments/PROD',
      );
    });

    it('does not trust an engine that never asked who owns the stack', async () => {
      engine.apply.mockResolvedValue(outcome);
      await expect(action().handler(context(input))).rejects.toThrow(
        'The engine did not check who owns the stack acme.payments.prod-0123456789ab; it must call authorize before it changes anything',
      );
    });

    it('refuses tasks started by a service, which answers for no team', async () => {
      const ctx = context(input, {
        getInitiatorCredentials: async () =>
          mockCredentials.service('plugin:catalog'),
      });
      await expect(action().handler(ctx)).rejects.toThrow(
        'This action changes what a team owns, so it runs only for a signed-in user; this task was started by a service.',
      );
      expect(engine.apply).not.toHaveBeenCalled();
    });
  });

  it('refuses to create the environment where no Pulumi Cloud token is configured', async () => {
    const withoutToken = provisionAction(
      testSettings(dir.path, { ...baseConfig, pulumiCloud: {} }),
      { engine, escEnvironments },
    );
    await expect(
      withoutToken.handler(context({ ...input, createEscEnvironment: true })),
    ).rejects.toThrow(
      /createEscEnvironment cannot be used: this portal has no Pulumi Cloud access token/,
    );
    expect(engine.apply).not.toHaveBeenCalled();
  });

  it('says when Pulumi Cloud refuses the environment, with no secret in it', async () => {
    escEnvironments.write.mockRejectedValue(
      new Error(
        'Pulumi Cloud refused to update the ESC environment acme/payments/prod: 403 token pul-canary-token-0001 lacks access',
      ),
    );
    await expect(
      action().handler(context({ ...input, createEscEnvironment: true })),
    ).rejects.toThrow(
      'Pulumi Cloud refused to update the ESC environment acme/payments/prod: 403 token *** lacks access',
    );
    escEnvironments.read.mockRejectedValue(
      new Error(
        'Pulumi Cloud refused to read the ESC environment acme/payments/prod: 401 pul-canary-token-0001',
      ),
    );
    await expect(
      action().handler(context({ ...input, createEscEnvironment: true })),
    ).rejects.toThrow(
      'Pulumi Cloud refused to read the ESC environment acme/payments/prod: 401 ***',
    );
  });

  it('turns engine events into log lines', async () => {
    engine.apply.mockImplementation(
      fakeEngine({
        events: [
          resourceStep(
            'resOutputsEvent',
            'create',
            'azuread:index/application:Application',
            'application',
          ),
          {
            sequence: 2,
            timestamp: 0,
            stdoutEvent: { message: 'raw output', color: 'never' },
          },
        ],
      }),
    );
    await action().handler(context(input));
    expect(logger.lines).toContain(
      "info created: Entra application 'Pulumi ESC acme/payments/prod'",
    );
    expect(logger.lines.join('\n')).not.toContain('raw output');
  });

  it('previews through the engine in a dry run, reading no stack and writing nothing', async () => {
    const ctx = context(
      { ...input, createEscEnvironment: true },
      { isDryRun: true },
    );
    await action().handler(ctx);

    expect(engine.preview).toHaveBeenCalledTimes(1);
    expect(engine.apply).not.toHaveBeenCalled();
    expect(engine.outputs).not.toHaveBeenCalled();
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    // Resources register as their inputs resolve: compare as a set.
    expect(outputs.plannedResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'azuread:index/application:Application',
          name: 'application',
        }),
        expect.objectContaining({
          type: 'azuread:index/servicePrincipal:ServicePrincipal',
        }),
        expect.objectContaining({
          name: 'credential-pulumi-esc-current-environment',
        }),
        expect.objectContaining({
          type: 'azure-native:authorization:RoleAssignment',
        }),
        expect.objectContaining({
          type: 'azure-native:authorization:RoleAssignment',
        }),
      ]),
    );
    expect(outputs.plannedResources).toHaveLength(5);
    expect(outputs.stackName).toBe('acme.payments.prod-0123456789ab');
    expect(escEnvironments.read).not.toHaveBeenCalled();
    expect(escEnvironments.write).not.toHaveBeenCalled();
    expect(outputs.escEnvironmentCreated).toBe(false);
    expect(outputs.changes).toEqual({
      created: 5,
      updated: 0,
      replaced: 0,
      deleted: 0,
      same: 0,
    });
    expect(outputs.azurePortalUrl).toBeUndefined();
    expect(
      parse(outputs.environmentYaml).values.azure.login[
        'fn::open::azure-login'
      ],
    ).toEqual({
      clientId: '<application client id>',
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      oidc: true,
      subjectAttributes: ['currentEnvironment.name'],
    });
    expect(logger.lines).toEqual(
      expect.arrayContaining([
        "info would create: Entra application 'Pulumi ESC acme/payments/prod'",
        'info would create: its service principal',
        "info would create: federated credential 'pulumi-esc-current-environment' for pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod",
        `info would create: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}`,
        `info would create: role assignment 'Contributor' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
        'info would create or update: ESC environment acme/payments/prod in Pulumi Cloud',
      ]),
    );
    expect(logger.lines[1]).toBe(
      "info Dry run: not compared with the environment's stack (pulumiAzureOidc.preview.compareWithStack is off); what a first run would create:",
    );
    expect(logger.lines).toHaveLength(9);
    expect(logger.lines[8]).toBe(
      'info Dry run: 5 resources would be created for acme/payments/prod',
    );
  });

  describe('an update of an existing environment', () => {
    /** The stack as a run with only the Reader role left it. */
    const readerOnly = (): StackState => ({
      ...emptyStackState(),
      resources: 4,
      owner: 'group:default/payments-team',
      environmentRef: 'acme/payments/prod',
      held: [
        { urn: 'u:a', type: 'a', name: 'application' },
        { urn: 'u:s', type: 's', name: 'service-principal' },
      ],
      roleAssignments: [
        {
          logicalName: 'role-acdd72a7-3385-48ef-bd42-f606fba81ae7-gone',
          name: 'ra',
          scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-old`,
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        },
      ],
    });

    it('says what it will change against the stack before it applies', async () => {
      engine.outputs.mockResolvedValue(readerOnly());
      engine.apply.mockImplementation(fakeEngine({ state: readerOnly() }));
      await action().handler(context(input));
      const from = logger.lines.indexOf(
        'info Provisioning the Azure identity of the ESC environment acme/payments/prod',
      );
      expect(logger.lines.slice(from + 1, from + 6)).toEqual([
        expect.stringMatching(/^info will add: federated credential /),
        `info will add: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}`,
        `info will add: role assignment 'Contributor' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
        `info will remove: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-old`,
        'info 2 resources unchanged',
      ]);
    });

    it('compares in a dry run only when the platform lets dry runs read stacks', async () => {
      engine.outputs.mockResolvedValue(readerOnly());
      const comparing = provisionAction(
        testSettings(dir.path, {
          ...baseConfig,
          preview: { compareWithStack: true },
        }),
        { engine, escEnvironments },
      );
      await comparing.handler(context(input, { isDryRun: true }));
      expect(engine.outputs).toHaveBeenCalledTimes(1);
      expect(logger.lines).toContain(
        `info would remove: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-old`,
      );
      expect(logger.lines.some(l => l.startsWith('info would create'))).toBe(
        false,
      );
    });
  });

  it('shows in a dry run the canonical scope the program would assign', async () => {
    const ctx = context(
      {
        ...input,
        roleAssignments: [
          {
            role: 'reader',
            scope: ` //SUBSCRIPTIONS/${SUBSCRIPTION.toUpperCase()}//resourcegroups/rg-payments/ `,
          },
        ],
      },
      { isDryRun: true },
    );
    await action().handler(ctx);
    expect(logger.lines).toContain(
      `info would create: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
    );
  });

  it('lets a retried task reuse the finished run', async () => {
    const { stored, checkpoint } = persistentCheckpoints();
    await action().handler(context(input, { checkpoint }));
    await action().handler(context(input, { checkpoint }));
    expect(engine.apply).toHaveBeenCalledTimes(1);
    expect([...stored.keys()]).toEqual([
      expect.stringMatching(/^pulumi:azureOidc:provision:[0-9a-f]{64}$/),
    ]);

    await action().handler(
      context({ ...input, environment: 'dev' }, { checkpoint }),
    );
    expect(engine.apply).toHaveBeenCalledTimes(2);
  });

  it("explains a failed update with the engine's own errors", async () => {
    engine.apply.mockImplementation(
      fakeEngine({
        events: [
          diagnostic(
            'error',
            'AuthorizationFailed: the client does not have authorization to perform action Microsoft.Authorization/roleAssignments/write',
          ),
        ],
        end: () => {
          throw new EngineFailedError('The Pulumi CLI failed for stack s', [
            'AuthorizationFailed: the client does not have authorization to perform action Microsoft.Authorization/roleAssignments/write',
          ]);
        },
      }),
    );
    await expect(action().handler(context(input))).rejects.toThrow(
      'Provisioning the Azure identity of acme/payments/prod failed:\n' +
        '- AuthorizationFailed: the client does not have authorization to perform action Microsoft.Authorization/roleAssignments/write',
    );
  });

  it('keeps the class of what it refuses and of what failed, for the scaffolder and for callers', async () => {
    const failure = (ctx = context(input)) =>
      action()
        .handler(ctx)
        .catch(e => e);
    expect(await failure(context({ ...input, project: '' }))).toBeInstanceOf(
      InputError,
    );
    expect(
      await failure(context({ ...input, owner: 'group:default/other' })),
    ).toBeInstanceOf(InputError);
    engine.apply.mockImplementationOnce(
      fakeEngine({ state: stackOf('group:default/billing-team') }),
    );
    expect(await failure()).toBeInstanceOf(NotAllowedError);
    engine.apply.mockRejectedValueOnce(
      new EngineFailedError('The Pulumi CLI failed', ['quota exceeded']),
    );
    const failed = await failure();
    expect(failed).toBeInstanceOf(EngineFailedError);
    expect(failed.details).toEqual(['quota exceeded']);
    // The task log shows words, not a stack trace with server paths.
    expect(failed.stack).toBe(`EngineFailedError: ${failed.message}`);
  });

  it('passes on locked stacks, cancellation and a missing CLI as they are', async () => {
    const environment = {
      organization: 'acme',
      project: 'payments',
      environment: 'prod',
    };
    engine.apply.mockRejectedValueOnce(
      new StackLockedError(environment, 'stack'),
    );
    const locked = await action()
      .handler(context(input))
      .catch(e => e);
    expect(locked).toBeInstanceOf(ConflictError);
    expect(locked.message).toMatch(
      /^The ESC environment acme\/payments\/prod is being changed by another run/,
    );
    engine.apply.mockRejectedValueOnce(new EngineCancelledError(environment));
    await expect(action().handler(context(input))).rejects.toThrow(
      /^The change to acme\/payments\/prod was cancelled/,
    );
    engine.apply.mockRejectedValueOnce(
      new Error("The Pulumi CLI is not on the backend's PATH."),
    );
    await expect(action().handler(context(input))).rejects.toThrow(
      "The Pulumi CLI is not on the backend's PATH.",
    );
  });

  it('hands the task signal to the engine', async () => {
    const controller = new AbortController();
    await action().handler(context(input, { signal: controller.signal }));
    expect(engine.apply.mock.calls[0][1].signal).toBe(controller.signal);
    expect(engine.outputs.mock.calls[0][1]?.signal).toBe(controller.signal);
  });
});

describe('secrets', () => {
  const dir = createMockDirectory();

  /** The real engine, stopped at the Automation API: what it is handed, and what it says. */
  function engineThatEchoes(echo: 'events' | 'failure') {
    const settings = testSettings(dir.path, baseConfig);
    const redactor = new SecretRedactor(configuredSecrets(settings));
    const envVars: Array<Record<string, string>> = [];
    const everySecret = CANARIES.join(' ');
    const stack: EngineStack = {
      setAllConfig: async () => undefined,
      refresh: async () => undefined,
      previewRefresh: async () => undefined,
      destroy: async () => undefined,
      remove: async () => undefined,
      cancel: async () => undefined,
      exportStack: async () => ({ version: 3, deployment: {} }),
      up: async options => {
        // Providers and the CLI repeating a secret, as a misconfigured one might.
        const message = `auth with ${everySecret} failed`;
        options!.onEvent!(diagnostic('warning', message));
        if (echo === 'failure') {
          options!.onEvent!(diagnostic('error', message));
          options!.onError!(everySecret);
          throw new CommandError({
            stdout: everySecret,
            stderr: everySecret,
            code: 1,
            toString: () => everySecret,
          } as any);
        }
        return {
          outputs: { clientId: { value: 'client', secret: false } },
          summary: { resourceChanges: { create: 1 } },
        } as any;
      },
    };
    const engine = automationEngineOver({
      dataDirectory: dir.path,
      config: baseConfig,
      redactor,
      createOrSelectStack: async (_args, options) => {
        envVars.push(options.envVars!);
        return stack;
      },
    });
    return {
      action: provisionAction(settings, { engine, redactor }),
      envVars,
    };
  }

  const leaks = (text: string) =>
    CANARIES.filter(canary => text.includes(canary));

  async function runAction(echo: 'events' | 'failure') {
    const { action, envVars } = engineThatEchoes(echo);
    const logger = recordingLogger();
    const ctx = createMockActionContext({ input: input as any, logger });
    const stored: unknown[] = [];
    const error = await action
      .handler({
        ...ctx,
        checkpoint: async ({ fn }: { fn: () => Promise<any> }) => {
          const value = await fn();
          stored.push(value);
          return value;
        },
      } as any)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    return {
      error,
      // The engine got every secret: the test would notice if none were passed.
      handedToEngine: leaks(JSON.stringify(envVars)),
      log: logger.lines.join('\n'),
      outputs: JSON.stringify((ctx.output as jest.Mock).mock.calls),
      checkpoints: JSON.stringify(stored),
    };
  }

  it('reach the engine but never the log, the outputs or the checkpoint', async () => {
    const run = await runAction('events');
    expect(run.error).toBeUndefined();
    // The CLI gets what it needs: Azure's secret and the state passphrase.
    // With its state outside Pulumi Cloud, it needs no Pulumi Cloud token.
    expect(run.handedToEngine).toEqual(CANARIES.slice(1));
    expect(run.log).toContain('***');
    expect(leaks(run.log)).toEqual([]);
    expect(leaks(run.outputs)).toEqual([]);
    expect(leaks(run.checkpoints)).toEqual([]);
  });

  it('never appear in the error of a failed update', async () => {
    const run = await runAction('failure');
    expect(run.handedToEngine).toEqual(CANARIES.slice(1));
    expect(run.error?.message).toMatch(
      /^Provisioning the Azure identity of acme\/payments\/prod failed/,
    );
    expect(leaks(`${run.error?.message}\n${run.error?.stack}`)).toEqual([]);
    expect(leaks(run.log)).toEqual([]);
  });
});
