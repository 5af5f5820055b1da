/**
 * The guardrails as `pulumi:azureOidc:provision` applies them to what a
 * template sends: privileged roles asked for by GUID, scopes Azure would
 * read otherwise than the guardrails, names typed in any case. Whatever is
 * refused never reaches the engine.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { EnvironmentEngine } from '../engine/engine';
import { emptyStackState } from '../engine/stackModel';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { recordingLogger } from '../__testUtils__/logger';
import { SUBSCRIPTION, TENANT } from '../__testUtils__/plans';
import {
  applyOver,
  engineMock,
  escEnvironmentsMock,
  outcomeOf,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';
import { testStewardship } from '../__testUtils__/stewardship';

const OWNER = {
  name: 'Owner',
  id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
};
const USER_ACCESS_ADMINISTRATOR = {
  name: 'User Access Administrator',
  id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};
const RBAC_ADMINISTRATOR = {
  name: 'Role Based Access Control Administrator',
  id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
};
const PRIVILEGED = [OWNER, USER_ACCESS_ADMINISTRATOR, RBAC_ADMINISTRATOR];

/** The least a platform must configure for requests to pass at all. */
const guardrails = {
  allowedSubscriptions: [{ id: SUBSCRIPTION, name: 'Payments' }],
  allowedRoles: ['Reader', 'Contributor'],
  allowSubscriptionScope: true,
};

const input = {
  project: 'payments',
  environment: 'prod',
  owner: 'group:default/payments-team',
};

/** `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<role>`. */
const roleDefinitionId = (role: string) =>
  `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${role}`;

describe('pulumi:azureOidc:provision within the guardrails', () => {
  const dir = createMockDirectory();
  let engine: jest.Mocked<EnvironmentEngine>;
  let escEnvironments: jest.Mocked<EscEnvironments>;

  beforeEach(() => {
    engine = engineMock();
    engine.apply.mockImplementation(
      applyOver(emptyStackState(), plan => outcomeOf(plan)),
    );
    escEnvironments = escEnvironmentsMock();
  });

  /** Runs the action as Ada of the payments team; the error, if it fails. */
  async function run(
    roleAssignments: Array<{ role: string; scope?: string }>,
    options: {
      guardrails?: object;
      isDryRun?: boolean;
      input?: object;
    } = {},
  ) {
    const settings = testSettings(dir.path, {
      pulumiCloud: { organization: 'acme' },
      azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
      guardrails: options.guardrails ?? guardrails,
    });
    const action = provisionAction(settings, {
      engine,
      escEnvironments,
      stewardship: testStewardship(),
    });
    const ctx = {
      ...createMockActionContext({
        input: { ...input, ...options.input, roleAssignments } as any,
        logger: recordingLogger(),
        user: { ref: 'user:default/ada' },
      }),
      // createMockActionContext takes no dry-run flag.
      isDryRun: options.isDryRun ?? false,
    };
    const error = await action.handler(ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    return {
      error,
      outputs: Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  const expectNothingReachedTheEngine = () => {
    expect(engine.apply).not.toHaveBeenCalled();
    expect(engine.preview).not.toHaveBeenCalled();
    expect(engine.outputs).not.toHaveBeenCalled();
  };

  describe('privileged roles asked for by GUID', () => {
    const cases = PRIVILEGED.flatMap(role => [
      [role.name, 'lower', role.id, role] as const,
      [role.name, 'upper', role.id.toUpperCase(), role] as const,
    ]);

    it.each(cases)(
      'refuses %s by its GUID in %s case, naming the role, before the engine',
      async (_name, _case, guid, role) => {
        const { error } = await run([{ role: guid, scope: 'rg-payments' }]);
        expect(error).toBeInstanceOf(InputError);
        expect(error?.message).toBe(
          [
            'Cannot provision acme/payments/prod:',
            `roleAssignments[0].role names '${role.name}', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor`,
          ].join('\n'),
        );
        expectNothingReachedTheEngine();
      },
    );

    it.each(cases)(
      'refuses %s by its GUID in %s case in a dry run too',
      async (_name, _case, guid, role) => {
        const { error } = await run([{ role: guid }], { isDryRun: true });
        expect(error?.message).toContain(
          `roleAssignments[0].role names '${role.name}', a privileged role`,
        );
        expectNothingReachedTheEngine();
      },
    );

    it('refuses a privileged GUID hidden among allowed roles, naming only it', async () => {
      const { error } = await run([
        { role: 'Reader' },
        {
          role: ` ${USER_ACCESS_ADMINISTRATOR.id.toUpperCase()} `,
          scope: 'rg-payments',
        },
        { role: 'Contributor', scope: 'rg-payments' },
      ]);
      expect(error?.message).toBe(
        [
          'Cannot provision acme/payments/prod:',
          "roleAssignments[1].role names 'User Access Administrator', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor",
        ].join('\n'),
      );
      expectNothingReachedTheEngine();
    });

    it('refuses a privileged role the platform listed among the ordinary ones', async () => {
      // allowedRoles is for roles that cannot grant access to others; a
      // privileged one there must not become requestable.
      const { error } = await run([{ role: OWNER.id.toUpperCase() }], {
        guardrails: { ...guardrails, allowedRoles: ['Reader', 'Owner'] },
      });
      expect(error?.message).toBe(
        [
          'Cannot provision acme/payments/prod:',
          "roleAssignments[0].role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader",
        ].join('\n'),
      );
      expectNothingReachedTheEngine();
    });

    it.each(
      PRIVILEGED.flatMap(role => [
        [role.name, 'lower', role.id, role] as const,
        [role.name, 'upper', role.id.toUpperCase(), role] as const,
      ]),
    )(
      'grants %s asked for by its GUID in %s case once allowedPrivilegedRoles names it',
      async (_name, _case, guid, role) => {
        const { error, outputs } = await run(
          [{ role: guid, scope: 'rg-payments' }],
          {
            guardrails: {
              ...guardrails,
              allowedPrivilegedRoles: [role.name],
            },
          },
        );
        expect(error).toBeUndefined();
        expect(engine.apply).toHaveBeenCalledTimes(1);
        const [plan] = engine.apply.mock.calls[0];
        // The canonical role, whatever case the GUID came in.
        expect(
          plan.roleAssignments.map(a => ({
            name: a.role.name,
            id: a.role.id,
            roleDefinitionId: a.roleDefinitionId,
            scope: a.scope.id,
          })),
        ).toEqual([
          {
            name: role.name,
            id: role.id,
            roleDefinitionId: roleDefinitionId(role.id),
            scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
          },
        ]);
        expect(outputs.roleAssignments).toEqual([
          {
            role: role.name,
            roleDefinitionId: roleDefinitionId(role.id),
            scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
          },
        ]);
      },
    );

    it('previews an allowed privileged GUID in a dry run', async () => {
      const { error } = await run([{ role: OWNER.id.toUpperCase() }], {
        guardrails: { ...guardrails, allowedPrivilegedRoles: ['Owner'] },
        isDryRun: true,
      });
      expect(error).toBeUndefined();
      expect(engine.preview).toHaveBeenCalledTimes(1);
      expect(engine.apply).not.toHaveBeenCalled();
      expect(engine.preview.mock.calls[0][0].roleAssignments[0].role).toEqual({
        ...OWNER,
        privileged: true,
      });
    });

    it('allows only the privileged role the platform named, not the others', async () => {
      const { error } = await run(
        [
          { role: OWNER.id.toUpperCase(), scope: 'rg-payments' },
          { role: RBAC_ADMINISTRATOR.id, scope: 'rg-payments' },
          { role: USER_ACCESS_ADMINISTRATOR.id.toUpperCase() },
        ],
        { guardrails: { ...guardrails, allowedPrivilegedRoles: ['Owner'] } },
      );
      expect(error?.message).toBe(
        [
          'Cannot provision acme/payments/prod:',
          "roleAssignments[1].role names 'Role Based Access Control Administrator', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Owner",
          "roleAssignments[2].role names 'User Access Administrator', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Owner",
        ].join('\n'),
      );
      expectNothingReachedTheEngine();
    });
  });

  describe('scopes Azure might read otherwise than the guardrails', () => {
    const SEGMENT_RULE =
      "must be a resource id without '.' or '..' segments, '%', '?', '#', '\\' or spaces";
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups`;

    it.each([
      [`${group}/rg-a/../x`, '..'],
      [`${group}/rg%2fx`, 'rg%2fx'],
      [`${group}/rg?x`, 'rg?x'],
      [`${group}/rg#x`, 'rg#x'],
      [`${group}/rg\\x`, 'rg\\x'],
      [`${group}/rg x`, 'rg x'],
      [`${group}/rg\tx`, 'rg\tx'],
      [`${group}/.`, '.'],
    ])(
      'refuses the scope %j, naming the segment %j, before the engine',
      async (scope, segment) => {
        const { error } = await run([{ role: 'Reader', scope }]);
        expect(error).toBeInstanceOf(InputError);
        expect(error?.message).toBe(
          [
            'Cannot provision acme/payments/prod:',
            `roleAssignments[0].scope ${SEGMENT_RULE}; '${segment}' is one`,
          ].join('\n'),
        );
        expectNothingReachedTheEngine();
      },
    );

    it.each([
      'rg-a/../x',
      'rg%2fx',
      'rg?x',
      'rg#x',
      'rg\\x',
      'rg x',
      'rg\tx',
      '.',
    ])(
      'refuses the resource group name %j, naming the rule, before the engine',
      async scope => {
        const { error } = await run([{ role: 'Reader', scope }]);
        expect(error?.message).toBe(
          [
            'Cannot provision acme/payments/prod:',
            "roleAssignments[0].scope must be 'subscription', a resource group name or a resource id; as a resource group name it must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'",
          ].join('\n'),
        );
        expectNothingReachedTheEngine();
      },
    );

    it.each([
      [
        '/providers/Microsoft.Management/managementGroups/x',
        `must lie inside the subscription ${SUBSCRIPTION}`,
      ],
      ['/', `must lie inside the subscription ${SUBSCRIPTION}`],
      [
        `/subscriptions/${SUBSCRIPTION}%2f..%2f..%2fproviders%2fMicrosoft.Management%2fmanagementGroups%2fx`,
        `${SEGMENT_RULE}; '${SUBSCRIPTION}%2f..%2f..%2fproviders%2fMicrosoft.Management%2fmanagementGroups%2fx' is one`,
      ],
    ])(
      'refuses the scope %j above the subscription, before the engine',
      async (scope, problem) => {
        const { error } = await run([{ role: 'Reader', scope }]);
        expect(error?.message).toBe(
          [
            'Cannot provision acme/payments/prod:',
            `roleAssignments[0].scope ${problem}`,
          ].join('\n'),
        );
        expectNothingReachedTheEngine();
      },
    );

    it('refuses the subscription, with a trailing slash too, where the platform does not allow it', async () => {
      const { error } = await run(
        [
          { role: 'Reader', scope: `/subscriptions/${SUBSCRIPTION}/` },
          {
            role: 'Reader',
            scope: `/subscriptions/${SUBSCRIPTION.toUpperCase()}//`,
          },
        ],
        { guardrails: { ...guardrails, allowSubscriptionScope: false } },
      );
      const refusal =
        'cannot be the whole subscription: this portal grants roles on resource groups and resources only (pulumiAzureOidc.guardrails.allowSubscriptionScope); name a resource group';
      expect(error?.message).toBe(
        [
          'Cannot provision acme/payments/prod:',
          `roleAssignments[0].scope ${refusal}`,
          `roleAssignments[1].scope ${refusal}`,
        ].join('\n'),
      );
      expectNothingReachedTheEngine();
    });
  });

  it('reads roles and scopes as people type them, and plans the canonical ones', async () => {
    const { error } = await run(
      [
        { role: 'rEaDeR' },
        {
          role: 'CONTRIBUTOR',
          scope: ` /SUBSCRIPTIONS/${SUBSCRIPTION.toUpperCase()}/RESOURCEGROUPS/rg-Payments/ `,
        },
      ],
      { input: { subscriptionId: SUBSCRIPTION.toUpperCase() } },
    );
    expect(error).toBeUndefined();
    const [plan] = engine.apply.mock.calls[0];
    expect(
      plan.roleAssignments.map(a => [
        a.role.name,
        a.roleDefinitionId,
        a.scope.id,
      ]),
    ).toEqual([
      [
        'Reader',
        roleDefinitionId('acdd72a7-3385-48ef-bd42-f606fba81ae7'),
        `/subscriptions/${SUBSCRIPTION}`,
      ],
      [
        'Contributor',
        roleDefinitionId('b24988ac-6180-42a0-ab88-20f7382dd24c'),
        // ARM's keywords and the subscription canonical; the group's name as typed.
        `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-Payments`,
      ],
    ]);
  });
});
