/**
 * How `pulumi:azureOidc:provision` chooses the subject mode, and how it
 * changes one without a moment when neither subject is trusted.
 */
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  ESC_ANNOTATIONS,
  escEnvironmentEntityName,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readPulumiAzureOidcConfig } from '../config';
import {
  ProvisioningEngine,
  ProvisionOutcome,
} from '../engine/automationEngine';
import { emptyStackState, StackState } from '../engine/stackState';
import { EscEnvironments } from '../escEnvironments';
import { SecretRedactor } from '../secrets';
import { recordingLogger } from '../__testUtils__/logger';
import {
  RECORDED_ENVIRONMENT_CREDENTIAL,
  SUBSCRIPTION,
  TENANT,
} from '../__testUtils__/plans';
import { ownedEntity, testStewardship } from '../__testUtils__/stewardship';
import { createPulumiAzureOidcProvisionAction } from './provision';

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

function outcomeOf(plan: ProvisionPlan): ProvisionOutcome {
  return {
    stackName: 'acme.payments.prod-0123456789ab',
    outputs: {
      clientId: 'client',
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      applicationObjectId: 'app',
      servicePrincipalObjectId: 'sp',
      issuer: plan.issuer,
      audience: plan.audience,
      subjects: plan.credentials.map(c => c.subject),
      subjectMode: plan.subjectMode,
      subjectAttributes: plan.subjectAttributes,
      federatedCredentialIds: [],
      roleAssignmentIds: [],
      environmentRef: plan.environmentRef,
      environmentYaml: `# Managed by the portal\n# ${plan.subjectMode}\n`,
      owner: plan.owner,
    },
    changes: { created: 1, updated: 0, replaced: 0, deleted: 0, same: 3 },
  };
}

describe('the subject mode of pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  const settings = readPulumiAzureOidcConfig(
    new ConfigReader({
      pulumiAzureOidc: {
        dataDirectory: dir.path,
        pulumiCloud: { organization: 'acme', accessToken: 'token' },
        azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
        guardrails: { allowedSubscriptions: [{ id: SUBSCRIPTION }] },
      },
    }),
  );
  /** What happened, in order: each update's subjects, and each ESC write. */
  let sequence: string[];
  let engine: jest.Mocked<ProvisioningEngine>;
  let escEnvironments: jest.Mocked<EscEnvironments>;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(() => {
    sequence = [];
    engine = {
      stackName: jest.fn().mockReturnValue('acme.payments.prod-0123456789ab'),
      recorded: jest.fn().mockResolvedValue(environmentModeStack),
      provision: jest.fn(async (plan, { authorize }) => {
        authorize(environmentModeStack);
        sequence.push(
          `update trusting ${plan.credentials.map(c => c.subject).join(' + ')}`,
        );
        return outcomeOf(plan);
      }),
    };
    escEnvironments = {
      read: jest.fn().mockResolvedValue({
        yaml: '# Managed by the portal\n',
        etag: 'e1',
      }),
      write: jest.fn<
        ReturnType<EscEnvironments['write']>,
        Parameters<EscEnvironments['write']>
      >(async (_environment, yaml) => {
        sequence.push(`definition ${yaml.split('\n')[1]}`);
        return 'updated';
      }),
      open: jest.fn(),
      remove: jest.fn(),
    };
    logger = recordingLogger();
  });

  const run = (actionInput: object, options: { isDryRun?: boolean } = {}) =>
    createPulumiAzureOidcProvisionAction({
      settings,
      engine,
      escEnvironments,
      stewardship: testStewardship(),
      redactor: new SecretRedactor(),
    }).handler({
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
    const dryRun = createPulumiAzureOidcProvisionAction({
      settings,
      engine,
      escEnvironments,
      stewardship: testStewardship({ entities: [entity] }),
      redactor: new SecretRedactor(),
    });
    await dryRun.handler({
      ...createMockActionContext({ input: input as any, logger }),
      isDryRun: true,
    });
    expect(engine.recorded).not.toHaveBeenCalled();
    expect(logger.lines).toContain(
      "info would create: federated credential 'pulumi-esc-environment' for pulumi:environments:org:acme:env:payments/prod",
    );
  });

  it('gives new environments the subjectAttributes mode', async () => {
    engine.recorded.mockResolvedValue(emptyStackState());
    engine.provision.mockImplementation(async (plan, { authorize }) => {
      authorize(emptyStackState());
      sequence.push(
        `update trusting ${plan.credentials.map(c => c.subject).join(' + ')}`,
      );
      return outcomeOf(plan);
    });
    await run({ ...input, environment: 'prod' });
    expect(sequence).toEqual([`update trusting ${ATTRIBUTES_SUBJECT}`]);
  });
});
