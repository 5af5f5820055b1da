/**
 * The audit trail of the actions, through Backstage's auditor service: each
 * action's event, its meta and its outcome, hand-overs, and that no secret
 * reaches a record.
 */
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { configuredSecrets } from '../config';
import { EnvironmentEngine } from '../engine/engine';
import { emptyStackState, StackState } from '../engine/stackModel';
import { HttpClient } from '../http/httpClient';
import { CheckResult } from '../lifecycle/checks';
import {
  Decommissioner,
  DecommissionOutcome,
} from '../lifecycle/decommissioner';
import { Verification } from '../lifecycle/verification';
import { Stewardship } from '../provisioning/stewardship';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { SecretRedactor } from '../secrets';
import { environmentProvisioner } from '../wiring';
import { AUDIT_EVENTS } from '../audit';
import { CANARIES, canaryConfig } from '../__testUtils__/canaries';
import { recordingLogger } from '../__testUtils__/logger';
import { SUBSCRIPTION } from '../__testUtils__/plans';
import {
  applyOver,
  engineMock,
  escEnvironmentsMock,
  outcomeOf,
  testSettings,
} from '../__testUtils__/provisioning';
import { testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcDecommissionAction } from './decommission';
import { createPulumiAzureOidcProvisionAction } from './provision';
import { createPulumiAzureOidcVerifyAction } from './verify';

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
const READER = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const CONTRIBUTOR = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;

/** A stack an earlier run for `owner` deployed. */
const stackOf = (owner?: string): StackState => ({
  ...emptyStackState(),
  resources: 4,
  owner,
  environmentRef: 'acme/payments/prod',
});

/** One record the auditor logged, as Backstage's default auditor merges it. */
interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  status: 'initiated' | 'succeeded' | 'failed';
  meta?: object;
  error?: Error;
}

/**
 * Backstage's mock auditor, whose events record every call: the arguments
 * as given (for the canary test), and the records as the default auditor
 * would log them.
 */
function recordingAuditor() {
  const records: AuditRecord[] = [];
  const calls: unknown[] = [];
  const auditor: AuditorService = mockServices.auditor.mock({
    createEvent: jest.fn(async (options: AuditorServiceCreateEventOptions) => {
      calls.push(options);
      const { eventId, severityLevel, meta } = options;
      records.push({ eventId, severityLevel, status: 'initiated', meta });
      return {
        success: jest.fn(async params => {
          calls.push(params);
          records.push({
            eventId,
            severityLevel,
            status: 'succeeded',
            meta: { ...meta, ...params?.meta },
          });
        }),
        fail: jest.fn(async params => {
          calls.push(params);
          records.push({
            eventId,
            severityLevel,
            status: 'failed',
            meta: { ...meta, ...params.meta },
            error: params.error,
          });
        }),
      };
    }),
  });
  return { auditor, records, calls };
}

/** Every argument the auditor was given, errors with their words, stack and cause. */
function serialized(calls: unknown[]): string {
  return JSON.stringify(calls, (_key, value) =>
    value instanceof Error
      ? {
          ...value,
          name: value.name,
          message: value.message,
          stack: value.stack,
          cause: (value as { cause?: unknown }).cause,
        }
      : value,
  );
}

const statuses = (records: AuditRecord[]) =>
  records.map(r => `${r.eventId} ${r.status}`);

describe('the audit trail', () => {
  const dir = createMockDirectory();
  const settings = testSettings(dir.path, baseConfig);
  let engine: jest.Mocked<EnvironmentEngine>;
  let escEnvironments: jest.Mocked<EscEnvironments>;
  let audit: ReturnType<typeof recordingAuditor>;

  beforeEach(() => {
    engine = engineMock();
    engine.apply.mockImplementation(
      applyOver(emptyStackState(), plan => outcomeOf(plan)),
    );
    escEnvironments = escEnvironmentsMock();
    audit = recordingAuditor();
  });

  const redactor = () => new SecretRedactor(configuredSecrets(settings));
  const context = (actionInput: object, extra: object = {}) => ({
    ...createMockActionContext({
      input: actionInput as any,
      logger: recordingLogger(),
      user: { ref: 'user:default/ada' },
    }),
    ...extra,
  });
  const outcome = (promise: Promise<void>) =>
    promise.then(
      () => undefined,
      (error: Error) => error,
    );

  describe('provision', () => {
    const provision = (stewardship: Stewardship = testStewardship()) => {
      const shared = redactor();
      return createPulumiAzureOidcProvisionAction({
        stewardship,
        provisioner: environmentProvisioner(settings, {
          engine,
          escEnvironments,
          stewardship,
          redactor: shared,
          http: new HttpClient({ timeoutSeconds: 1, retries: 0 }),
        }),
        auditor: audit.auditor,
        redactor: shared,
      });
    };

    it('records who asked for which role at which scope, then the canonical grant', async () => {
      await provision().handler(context(input));

      expect(statuses(audit.records)).toEqual([
        'esc-environment-provision initiated',
        'esc-environment-provision succeeded',
      ]);
      const [initiated, succeeded] = audit.records;
      expect(initiated).toEqual({
        eventId: AUDIT_EVENTS.provision,
        severityLevel: 'high',
        status: 'initiated',
        meta: {
          requester: 'user:default/ada',
          taskId: 'mock-task-id',
          dryRun: false,
          request: {
            project: 'payments',
            environment: 'prod',
            owner: 'group:default/payments-team',
            roleAssignments: [
              { role: 'Reader' },
              { role: 'Contributor', scope: 'rg-payments' },
            ],
          },
        },
      });
      expect(succeeded.meta).toEqual({
        ...initiated.meta,
        environmentRef: 'acme/payments/prod',
        owner: 'group:default/payments-team',
        roleAssignments: [
          {
            role: 'Reader',
            roleDefinitionId: READER,
            scope: `/subscriptions/${SUBSCRIPTION}`,
          },
          {
            role: 'Contributor',
            roleDefinitionId: CONTRIBUTOR,
            scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
          },
        ],
        stackName: 'acme.payments.prod-0123456789ab',
        changes: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 3 },
      });
    });

    it('marks the privileged roles a platform team allows', async () => {
      const allowing = testSettings(dir.path, {
        ...baseConfig,
        guardrails: {
          ...baseConfig.guardrails,
          allowedPrivilegedRoles: ['User Access Administrator'],
        },
      });
      const stewardship = testStewardship();
      await createPulumiAzureOidcProvisionAction({
        stewardship,
        provisioner: environmentProvisioner(allowing, {
          engine,
          escEnvironments,
          stewardship,
          redactor: redactor(),
          http: new HttpClient({ timeoutSeconds: 1, retries: 0 }),
        }),
        auditor: audit.auditor,
      }).handler(
        context({
          ...input,
          roleAssignments: [
            { role: 'Reader' },
            { role: 'User Access Administrator', scope: 'rg-payments' },
          ],
        }),
      );
      expect(audit.records[1].meta).toMatchObject({
        roleAssignments: [
          { role: 'Reader', scope: `/subscriptions/${SUBSCRIPTION}` },
          {
            role: 'User Access Administrator',
            scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
            privileged: true,
          },
        ],
      });
      expect(
        (audit.records[1].meta as any).roleAssignments[0],
      ).not.toHaveProperty('privileged');
    });

    it('records dry runs at low severity, and no hand-over', async () => {
      engine.outputs.mockResolvedValue(stackOf('group:default/billing-team'));
      const stewardship = testStewardship({
        administrators: ['user:default/ada'],
      });
      await provision(stewardship).handler(context(input, { isDryRun: true }));

      expect(statuses(audit.records)).toEqual([
        'esc-environment-provision initiated',
        'esc-environment-provision succeeded',
      ]);
      expect(audit.records[0]).toMatchObject({
        severityLevel: 'low',
        meta: { dryRun: true, administrator: true },
      });
      expect(engine.apply).not.toHaveBeenCalled();
    });

    it('records a refusal as a failure, with its words only', async () => {
      engine.outputs.mockResolvedValue(stackOf('group:default/billing-team'));
      engine.apply.mockImplementation(
        applyOver(stackOf('group:default/billing-team'), plan =>
          outcomeOf(plan),
        ),
      );
      const error = await outcome(provision().handler(context(input)));

      expect(error).toBeInstanceOf(NotAllowedError);
      expect(statuses(audit.records)).toEqual([
        'esc-environment-provision initiated',
        'esc-environment-provision failed',
      ]);
      const failed = audit.records[1];
      expect(failed.meta).toEqual(audit.records[0].meta);
      expect(failed.error?.name).toBe('NotAllowedError');
      expect(failed.error?.message).toBe(error?.message);
      expect(failed.error?.stack).toBe(
        `NotAllowedError: ${failed.error?.message}`,
      );
    });

    it('records a hand-over, from the owner the stack recorded to the new one', async () => {
      engine.outputs.mockResolvedValue(stackOf('group:default/billing-team'));
      engine.apply.mockImplementation(
        applyOver(stackOf('group:default/billing-team'), plan =>
          outcomeOf(plan),
        ),
      );
      const stewardship = testStewardship({
        administrators: ['user:default/ada'],
      });
      await provision(stewardship).handler(context(input));

      expect(statuses(audit.records)).toEqual([
        'esc-environment-provision initiated',
        'esc-environment-provision succeeded',
        'esc-environment-handover initiated',
        'esc-environment-handover succeeded',
      ]);
      expect(audit.records[1].meta).toMatchObject({
        owner: 'group:default/payments-team',
        previousOwner: 'group:default/billing-team',
      });
      expect(audit.records[3]).toEqual({
        eventId: AUDIT_EVENTS.handover,
        severityLevel: 'high',
        status: 'succeeded',
        meta: {
          requester: 'user:default/ada',
          administrator: true,
          taskId: 'mock-task-id',
          environmentRef: 'acme/payments/prod',
          from: 'group:default/billing-team',
          to: 'group:default/payments-team',
        },
      });
    });

    it('records no hand-over when the recorded owner is the same, however written', async () => {
      engine.outputs.mockResolvedValue(stackOf('Payments-Team'));
      engine.apply.mockImplementation(
        applyOver(stackOf('Payments-Team'), plan => outcomeOf(plan)),
      );
      await provision().handler(context(input));

      expect(statuses(audit.records)).toEqual([
        'esc-environment-provision initiated',
        'esc-environment-provision succeeded',
      ]);
    });
  });

  describe('decommission', () => {
    const removed: DecommissionOutcome = {
      removed: [
        `role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}`,
        'ESC environment acme/payments/prod in Pulumi Cloud',
      ],
      kept: [],
      alreadyGone: false,
    };
    const decommission = (run: Decommissioner['decommission']) =>
      createPulumiAzureOidcDecommissionAction({
        decommissioner: {
          decommission: jest.fn(run),
        } as unknown as Decommissioner,
        stewardship: testStewardship(),
        auditor: audit.auditor,
        redactor: redactor(),
      });
    const request = {
      environment: 'acme/payments/prod',
      confirm: 'acme/payments/prod',
    };

    it('records who decommissioned which environment, and what was removed and kept', async () => {
      await decommission(async () => removed).handler(context(request));

      expect(statuses(audit.records)).toEqual([
        'esc-environment-decommission initiated',
        'esc-environment-decommission succeeded',
      ]);
      expect(audit.records[1]).toEqual({
        eventId: AUDIT_EVENTS.decommission,
        severityLevel: 'high',
        status: 'succeeded',
        meta: {
          requester: 'user:default/ada',
          taskId: 'mock-task-id',
          environmentRef: 'acme/payments/prod',
          entityRef: expect.stringMatching(/^resource:default\/payments-prod-/),
          dryRun: false,
          removed: removed.removed,
          kept: [],
          alreadyGone: false,
        },
      });
    });

    it('records dry runs at low severity', async () => {
      await decommission(async () => removed).handler(
        context(request, { isDryRun: true }),
      );
      expect(audit.records[0]).toMatchObject({
        severityLevel: 'low',
        meta: { dryRun: true },
      });
    });

    it('records a failure', async () => {
      const error = await outcome(
        decommission(async () => {
          throw new InputError('confirm must be the full name');
        }).handler(context(request)),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(statuses(audit.records)).toEqual([
        'esc-environment-decommission initiated',
        'esc-environment-decommission failed',
      ]);
      expect(audit.records[1].error?.message).toBe(
        'confirm must be the full name',
      );
    });
  });

  describe('verify', () => {
    const broken: CheckResult = {
      ok: false,
      checks: [
        { name: 'stack', status: 'passed', detail: 'the stack holds it' },
        { name: 'Entra exchange', status: 'failed', detail: 'AADSTS700213' },
      ],
    };
    const verify = (run: Verification['run']) =>
      createPulumiAzureOidcVerifyAction({
        verification: { run: jest.fn(run) } as unknown as Verification,
        stewardship: testStewardship(),
        auditor: audit.auditor,
        redactor: redactor(),
      });

    it('records at low severity what the checks found, without their details', async () => {
      const error = await outcome(
        verify(async () => ({
          ...broken,
          kind: 'verify',
          status: 'failed',
          checkedAt: '2025-01-01T00:00:00.000Z',
        })).handler(context({ environment: 'acme/payments/prod' })),
      );
      // The task still fails on a broken trust; the check itself ran.
      expect(error?.name).toBe('VerificationFailedError');
      expect(statuses(audit.records)).toEqual([
        'esc-environment-verify initiated',
        'esc-environment-verify succeeded',
      ]);
      expect(audit.records[1]).toEqual({
        eventId: AUDIT_EVENTS.verify,
        severityLevel: 'low',
        status: 'succeeded',
        meta: {
          requester: 'user:default/ada',
          taskId: 'mock-task-id',
          environmentRef: 'acme/payments/prod',
          ok: false,
          status: 'failed',
          checks: [
            { name: 'stack', status: 'passed' },
            { name: 'Entra exchange', status: 'failed' },
          ],
        },
      });
    });
  });

  describe('keeps every secret out of its records', () => {
    /** An error carrying the canaries in its words, its stack and its cause. */
    const leaky = () => {
      const cause = new Error(`stderr: ${CANARIES.join(' ')}`);
      const error = new Error(`failed with ${CANARIES.join(', ')}`, { cause });
      error.stack = `Error: at /srv/backstage ${CANARIES.join(' ')}`;
      return error;
    };
    const expectNoCanary = () => {
      const text = serialized(audit.calls);
      expect(audit.calls.length).toBeGreaterThan(0);
      for (const canary of CANARIES) expect(text).not.toContain(canary);
    };
    const shared = () => {
      const stewardship = testStewardship({
        administrators: ['user:default/ada'],
      });
      const secrets = redactor();
      return {
        stewardship,
        auditor: audit.auditor,
        redactor: secrets,
        provisioner: environmentProvisioner(settings, {
          engine,
          escEnvironments,
          stewardship,
          redactor: secrets,
          http: new HttpClient({ timeoutSeconds: 1, retries: 0 }),
        }),
      };
    };

    it('in a provision, even where the request itself names a secret', async () => {
      // A resource group named like a secret, and a previous owner too.
      engine.outputs.mockResolvedValue(stackOf(`group:default/${CANARIES[0]}`));
      engine.apply.mockImplementation(
        applyOver(stackOf(`group:default/${CANARIES[0]}`), plan =>
          outcomeOf(plan),
        ),
      );
      await createPulumiAzureOidcProvisionAction(shared()).handler(
        context({
          ...input,
          roleAssignments: [{ role: 'Reader', scope: CANARIES[2] }],
        }),
      );
      expect(statuses(audit.records)).toContain(
        'esc-environment-handover succeeded',
      );
      expect(audit.records[1].meta).toMatchObject({
        roleAssignments: [
          { scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/***` },
        ],
      });
      expectNoCanary();
    });

    it('in a failed provision', async () => {
      engine.apply.mockRejectedValue(leaky());
      const error = await outcome(
        createPulumiAzureOidcProvisionAction(shared()).handler(context(input)),
      );
      expect(error).toBeDefined();
      expect(audit.records.map(r => r.status)).toEqual(['initiated', 'failed']);
      expectNoCanary();
    });

    it('in a failed decommission, whose error no one masked before', async () => {
      const action = createPulumiAzureOidcDecommissionAction({
        ...shared(),
        decommissioner: {
          decommission: jest.fn(async () => {
            throw leaky();
          }),
        } as unknown as Decommissioner,
      });
      const error = await outcome(
        action.handler(
          context({
            environment: 'acme/payments/prod',
            confirm: 'acme/payments/prod',
          }),
        ),
      );
      expect(error?.message).toContain(CANARIES[0]);
      expect(audit.records[1].error?.message).toBe('failed with ***, ***, ***');
      expectNoCanary();
    });

    it('in a failed verification', async () => {
      const action = createPulumiAzureOidcVerifyAction({
        ...shared(),
        verification: {
          run: jest.fn(async () => {
            throw leaky();
          }),
        } as unknown as Verification,
      });
      await outcome(
        action.handler(context({ environment: 'acme/payments/prod' })),
      );
      expect(audit.records.map(r => r.status)).toEqual(['initiated', 'failed']);
      expectNoCanary();
    });
  });

  it('keeps no trail, and changes nothing, without an auditor', async () => {
    const stewardship = testStewardship();
    const action = createPulumiAzureOidcProvisionAction({
      stewardship,
      provisioner: environmentProvisioner(settings, {
        engine,
        escEnvironments,
        stewardship,
        redactor: redactor(),
        http: new HttpClient({ timeoutSeconds: 1, retries: 0 }),
      }),
    });
    const ctx = context(input);
    await action.handler(ctx);
    expect(
      Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    ).toMatchObject({ environmentRef: 'acme/payments/prod' });
    expect(audit.calls).toEqual([]);
  });
});
