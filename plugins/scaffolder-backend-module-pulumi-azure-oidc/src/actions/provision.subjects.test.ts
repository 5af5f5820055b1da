/**
 * How `pulumi:azureOidc:provision` chooses the subject mode, and how it
 * changes one without a moment when neither subject is trusted.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { EnvironmentEngine } from '../engine/engine';
import { emptyStackState, StackState } from '../engine/stackModel';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { recordingLogger } from '../__testUtils__/logger';
import {
  RECORDED_ENVIRONMENT_CREDENTIAL,
  SUBSCRIPTION,
  TENANT,
} from '../__testUtils__/plans';
import {
  applyOver,
  engineMock,
  escEnvironmentsMock,
  outcomeOf,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';

const ENVIRONMENT_SUBJECT = 'pulumi:environments:org:acme:env:payments/prod';
const ATTRIBUTES_SUBJECT =
  'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod';

/** A stack that an earlier run made in the plain environment mode. */
const environmentModeStack: StackState = {
  ...emptyStackState(),
  resources: 4,
  owner: 'group:default/payments-team',
  environmentRef: 'acme/payments/prod',
  subjectMode: 'environment',
  subjectAttributes: [],
  credentials: [RECORDED_ENVIRONMENT_CREDENTIAL],
};

const input = {
  project: 'payments',
  environment: 'prod',
  roleAssignments: [{ role: 'Reader' }],
  owner: 'group:default/payments-team',
};

describe('the subject mode of pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  const settings = testSettings(dir.path, {
    pulumiCloud: { organization: 'acme', accessToken: 'token' },
    azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
    guardrails: {
      allowedSubscriptions: [{ id: SUBSCRIPTION }],
      allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
      allowSubscriptionScope: true,
    },
  });
  /** What happened, in order: each update's subjects, and each ESC write. */
  let sequence: string[];
  let engine: jest.Mocked<EnvironmentEngine>;
  let escEnvironments: jest.Mocked<EscEnvironments>;
  let logger: ReturnType<typeof recordingLogger>;

  /** An update that records the subjects it trusts. */
  const trackedApply = (state: StackState) =>
    applyOver(state, plan => {
      sequence.push(
        `update trusting ${plan.credentials.map(c => c.subject).join(' + ')}`,
      );
      return outcomeOf(plan);
    });

  beforeEach(() => {
    sequence = [];
    engine = engineMock();
    engine.outputs.mockResolvedValue(environmentModeStack);
    engine.apply.mockImplementation(trackedApply(environmentModeStack));
    escEnvironments = escEnvironmentsMock();
    escEnvironments.read.mockResolvedValue({
      yaml: '# Managed by the portal\n',
      etag: 'e1',
    });
    escEnvironments.write.mockImplementation(async (_environment, yaml) => {
      sequence.push(`definition ${yaml.split('\n')[1]}`);
      return 'updated';
    });
    logger = recordingLogger();
  });

  const run = (actionInput: object, options: { isDryRun?: boolean } = {}) =>
    provisionAction(settings, { engine, escEnvironments }).handler({
      ...createMockActionContext({ input: actionInput as any, logger }),
      ...options,
    });

  it('keeps the mode the stack records when the request names none, so the new default migrates nobody', async () => {
    await run(input);
    expect(sequence).toEqual([`update trusting ${ENVIRONMENT_SUBJECT}`]);
    expect(logger.lines).toContain(
      "info Subject mode environment: tokens name the environment that was opened, so environments importing this one and Pulumi stacks cannot log in with it (kept from the environment's last run)",
    );
  });

  it('changes the mode on request: new subject first, then the definition, then the old subject goes', async () => {
    await run({
      ...input,
      subjectMode: 'subjectAttributes',
      createEscEnvironment: true,
    });
    expect(sequence).toEqual([
      `update trusting ${ATTRIBUTES_SUBJECT} + ${ENVIRONMENT_SUBJECT}`,
      'definition # subjectAttributes',
      `update trusting ${ATTRIBUTES_SUBJECT}`,
    ]);
  });

  it('keeps the old subject trusted when the definition could not be written', async () => {
    escEnvironments.write.mockRejectedValue(new Error('Pulumi Cloud is down'));
    await expect(
      run({
        ...input,
        subjectMode: 'subjectAttributes',
        createEscEnvironment: true,
      }),
    ).rejects.toThrow('Pulumi Cloud is down');
    expect(sequence).toEqual([
      `update trusting ${ATTRIBUTES_SUBJECT} + ${ENVIRONMENT_SUBJECT}`,
    ]);
  });

  it('leaves the old subject trusted, and says so, where the portal does not write the definition', async () => {
    await run({ ...input, subjectMode: 'subjectAttributes' });
    expect(sequence).toEqual([
      `update trusting ${ATTRIBUTES_SUBJECT} + ${ENVIRONMENT_SUBJECT}`,
    ]);
    expect(logger.lines).toContain(
      'warn Update the ESC environment acme/payments/prod with the YAML this run returns: until then its tokens carry the old subject, which stays trusted; the next run of this template removes it.',
    );
  });

  it('uses the mode the catalog entity records in a dry run, where no stack is read', async () => {
    const entity = ownedEntity(
      escEnvironmentEntityName({
        organization: 'acme',
        project: 'payments',
        environment: 'prod',
      }),
      'group:default/payments-team',
    );
    entity.metadata.annotations![ESC_ANNOTATIONS.subjectMode] = 'environment';
    const dryRun = provisionAction(settings, {
      engine,
      escEnvironments,
      stewardship: testStewardship({ entities: [entity] }),
    });
    await dryRun.handler({
      ...createMockActionContext({ input: input as any, logger }),
      isDryRun: true,
    });
    expect(engine.outputs).not.toHaveBeenCalled();
    expect(logger.lines).toContain(
      "info would create: federated credential 'pulumi-esc-environment' for pulumi:environments:org:acme:env:payments/prod",
    );
  });

  it('gives new environments the subjectAttributes mode', async () => {
    engine.outputs.mockResolvedValue(emptyStackState());
    engine.apply.mockImplementation(trackedApply(emptyStackState()));
    await run({ ...input, environment: 'prod' });
    expect(sequence).toEqual([`update trusting ${ATTRIBUTES_SUBJECT}`]);
  });
});
