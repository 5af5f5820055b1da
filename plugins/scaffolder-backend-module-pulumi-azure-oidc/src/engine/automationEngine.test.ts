import { ConfigReader } from '@backstage/config';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  CommandError,
  ConcurrentUpdateError,
  InlineProgramArgs,
  LocalWorkspaceOptions,
  PulumiCommand,
  UpResult,
} from '@pulumi/pulumi/automation';
import { readFileSync, statSync } from 'node:fs';
import { readPulumiAzureOidcConfig } from '../config';
import { SecretRedactor } from '../secrets';
import { SUBSCRIPTION, TENANT, testPlan } from '../__testUtils__/plans';
import {
  AutomationApiEngine,
  EngineStack,
  ProvisionOptions,
  ProvisioningCancelledError,
  ProvisioningFailedError,
  StackLockedError,
} from './automationEngine';
import { PulumiCli } from './pulumiCli';

/** A CommandError as the Automation API raises it, built the way it does. */
function commandError<T extends CommandError>(
  ErrorClass: new (result: any) => T,
  stderr: string,
): T {
  return new ErrorClass({
    stdout: '',
    stderr,
    code: 255,
    toString: () => stderr,
  });
}

/** Azure through a client secret, whose value must reach the engine only. */
const CLIENT_SECRET_AZURE = {
  tenantId: TENANT,
  credentials: {
    type: 'clientSecret',
    clientId: 'app',
    clientSecret: 'client-secret',
  },
};

/** The state of a stack nothing was deployed to yet. */
const newStack = { version: 3, deployment: { resources: [] } };

const upResult = {
  outputs: {
    clientId: { value: 'client-id', secret: false },
    tenantId: { value: TENANT, secret: false },
    environmentRef: { value: 'acme/payments/prod', secret: false },
  },
  summary: { resourceChanges: { create: 5, same: 1 } },
} as unknown as Pick<UpResult, 'outputs' | 'summary'>;

const runOptions = (options: Partial<ProvisionOptions> = {}) => ({
  onEvent: jest.fn(),
  authorize: jest.fn(),
  ...options,
});

describe('AutomationApiEngine', () => {
  const dir = createMockDirectory();
  const pulumiCommand = {
    command: '/opt/pulumi/bin/pulumi',
  } as unknown as PulumiCommand;
  let stack: jest.Mocked<EngineStack>;
  let createOrSelectStack: jest.Mock<
    Promise<EngineStack>,
    [InlineProgramArgs, LocalWorkspaceOptions]
  >;
  let redactor: SecretRedactor;

  beforeEach(() => {
    dir.clear();
    stack = {
      setAllConfig: jest.fn().mockResolvedValue(undefined),
      refresh: jest.fn().mockResolvedValue(undefined),
      exportStack: jest.fn().mockResolvedValue(newStack),
      up: jest.fn().mockResolvedValue(upResult),
    };
    createOrSelectStack = jest.fn().mockResolvedValue(stack);
    redactor = new SecretRedactor();
  });

  const engine = (config: object = {}) => {
    const settings = readPulumiAzureOidcConfig(
      new ConfigReader({
        pulumiAzureOidc: { dataDirectory: dir.path, ...config },
      }),
    );
    const cli = {
      get: jest.fn().mockResolvedValue(pulumiCommand),
    } as unknown as PulumiCli;
    return new AutomationApiEngine({
      settings,
      cli,
      redactor,
      logger: mockServices.logger.mock(),
      createOrSelectStack,
    });
  };

  it('selects one stack per environment in the fixed project, with local state by default', async () => {
    const plan = testPlan();
    const outcome = await engine().provision(plan, runOptions());

    const [args, options] = createOrSelectStack.mock.calls[0];
    expect(args).toEqual({
      stackName: expect.stringMatching(/^acme\.payments\.prod-[0-9a-f]{12}$/),
      projectName: 'esc-azure-oidc',
      program: expect.any(Function),
    });
    // No update in this test found anything to recover.
    expect(stack.refresh).not.toHaveBeenCalled();
    expect(options).toEqual({
      workDir: `${dir.path}/workspaces/${args.stackName}`,
      pulumiHome: `${dir.path}/pulumi-home`,
      pulumiCommand,
      secretsProvider: 'passphrase',
      envVars: {
        PULUMI_BACKEND_URL: `file://${dir.path}/state`,
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_CONFIG_PASSPHRASE: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        ARM_USE_CLI: 'true',
      },
    });
    expect(stack.setAllConfig).toHaveBeenCalledWith({
      'azure-native:subscriptionId': { value: SUBSCRIPTION },
    });
    expect(stack.up).toHaveBeenCalledTimes(1);
    expect(stack.up).toHaveBeenCalledWith({
      color: 'never',
      refresh: true,
      program: expect.any(Function),
      onEvent: expect.any(Function),
      signal: expect.any(AbortSignal),
    });
    expect(outcome).toEqual({
      stackName: args.stackName,
      outputs: {
        clientId: 'client-id',
        tenantId: TENANT,
        environmentRef: 'acme/payments/prod',
      },
      changes: { created: 5, updated: 0, replaced: 0, deleted: 0, same: 1 },
    });
    expect(statSync(`${dir.path}/state`).isDirectory()).toBe(true);
  });

  it('keeps the generated state passphrase private, reuses it, and never lets it out', async () => {
    const first = engine();
    await first.provision(testPlan(), runOptions());
    await engine().provision(testPlan(), runOptions());
    const [firstEnv, secondEnv] = createOrSelectStack.mock.calls.map(
      ([, o]) => o.envVars!,
    );
    expect(secondEnv.PULUMI_CONFIG_PASSPHRASE).toBe(
      firstEnv.PULUMI_CONFIG_PASSPHRASE,
    );
    expect(statSync(`${dir.path}/state-passphrase`).mode & 0o777).toBe(0o600);
    expect(redactor.redact(`x ${firstEnv.PULUMI_CONFIG_PASSPHRASE} y`)).toBe(
      'x *** y',
    );
  });

  it('passes Pulumi Cloud state, the token and Azure credentials to the engine only', async () => {
    const plan = testPlan();
    const cloud = engine({
      pulumiCloud: { accessToken: 'pul-token' },
      azure: CLIENT_SECRET_AZURE,
      state: {
        backendUrl: 'https://api.pulumi.com',
        organization: 'acme-platform',
      },
    });
    await cloud.provision(plan, runOptions());

    const [args, options] = createOrSelectStack.mock.calls[0];
    expect(args.stackName).toMatch(
      /^acme-platform\/esc-azure-oidc\/acme\.payments\.prod-/,
    );
    expect(cloud.stackName(plan.environment)).toBe(args.stackName);
    expect(options.secretsProvider).toBeUndefined();
    expect(options.envVars).toEqual({
      PULUMI_BACKEND_URL: 'https://api.pulumi.com',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_ACCESS_TOKEN: 'pul-token',
      ARM_TENANT_ID: TENANT,
      ARM_CLIENT_ID: 'app',
      ARM_CLIENT_SECRET: 'client-secret',
    });
    // Stack config holds nothing secret.
    expect(stack.setAllConfig).toHaveBeenCalledWith({
      'azure-native:subscriptionId': { value: SUBSCRIPTION },
      'azure-native:tenantId': { value: TENANT },
      'azuread:tenantId': { value: TENANT },
    });
  });

  it('uses a configured passphrase or secrets provider', async () => {
    await engine({
      state: { backendUrl: 'azblob://state', passphrase: 'pass' },
    }).provision(testPlan(), runOptions());
    await engine({
      state: { backendUrl: 's3://state', secretsProvider: 'awskms://alias/k' },
    }).provision(testPlan(), runOptions());
    const [[, passphrase], [, kms]] = createOrSelectStack.mock.calls;
    expect(passphrase.envVars!.PULUMI_CONFIG_PASSPHRASE).toBe('pass');
    expect(passphrase.secretsProvider).toBe('passphrase');
    expect(kms.envVars!.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
    expect(kms.secretsProvider).toBe('awskms://alias/k');
  });

  it('hands engine events to the caller and cancellations to the running CLI', async () => {
    const onEvent = jest.fn();
    const controller = new AbortController();
    let interrupted: boolean | undefined;
    stack.up.mockImplementation(async options => {
      options!.onEvent!({ sequence: 1, timestamp: 0, cancelEvent: {} });
      controller.abort();
      interrupted = options!.signal!.aborted;
      return upResult;
    });
    await engine().provision(
      testPlan(),
      runOptions({ onEvent, signal: controller.signal }),
    );
    expect(onEvent).toHaveBeenCalledWith({
      sequence: 1,
      timestamp: 0,
      cancelEvent: {},
    });
    expect(interrupted).toBe(true);
  });

  it('interrupts an update cancelled before the CLI listened, as soon as it does', async () => {
    const controller = new AbortController();
    const aborted: boolean[] = [];
    stack.up.mockImplementation(async options => {
      // The Automation API drops an abort that comes before the CLI runs…
      controller.abort();
      aborted.push(options!.signal!.aborted);
      // …so it is handed over with the CLI's first event.
      options!.onEvent!({ sequence: 1, timestamp: 0, cancelEvent: {} });
      aborted.push(options!.signal!.aborted);
      throw commandError(CommandError, 'error: update canceled');
    });
    await expect(
      engine().provision(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(ProvisioningCancelledError);
    expect(aborted).toEqual([false, true]);
  });

  it("asks whether the stack's recorded owner may be overruled, before any change", async () => {
    stack.exportStack.mockResolvedValue({
      version: 3,
      deployment: {
        resources: [
          {
            type: 'pulumi:pulumi:Stack',
            outputs: {
              owner: 'group:default/billing-team',
              environmentRef: 'acme/payments/prod',
            },
          },
          { type: 'azuread:index/application:Application', outputs: {} },
        ],
      },
    });
    const authorize = jest.fn(() => {
      throw new Error('belongs to group:default/billing-team');
    });
    await expect(
      engine().provision(testPlan(), runOptions({ authorize })),
    ).rejects.toThrow('belongs to group:default/billing-team');
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        resources: 1,
        owner: 'group:default/billing-team',
        environmentRef: 'acme/payments/prod',
      }),
    );
    // Not even the stack's configuration changes.
    expect(stack.setAllConfig).not.toHaveBeenCalled();
    expect(stack.up).not.toHaveBeenCalled();

    // A new stack holds nothing.
    stack.exportStack.mockResolvedValue(newStack);
    const allow = jest.fn();
    await engine().provision(testPlan(), runOptions({ authorize: allow }));
    expect(allow).toHaveBeenCalledWith(
      expect.objectContaining({
        resources: 0,
        owner: undefined,
        environmentRef: undefined,
      }),
    );
    expect(stack.up).toHaveBeenCalled();
  });

  it('reports a locked stack by the environment it belongs to', async () => {
    stack.up.mockRejectedValue(
      commandError(
        ConcurrentUpdateError,
        'error: the stack is currently locked by 1 lock(s)',
      ),
    );
    const failure = engine().provision(testPlan(), runOptions());
    await expect(failure).rejects.toBeInstanceOf(StackLockedError);
    await expect(failure).rejects.toThrow(
      /^The ESC environment acme\/payments\/prod is being provisioned by another run \(Pulumi stack acme\.payments\.prod-[0-9a-f]{12} is locked\)/,
    );
  });

  it('refuses a second run for the same environment while one is under way', async () => {
    let reachedUp!: () => void;
    const upReached = new Promise<void>(resolve => (reachedUp = resolve));
    let finish!: () => void;
    const blocked: jest.Mocked<EngineStack> = {
      setAllConfig: jest.fn().mockResolvedValue(undefined),
      refresh: jest.fn().mockResolvedValue(undefined),
      exportStack: jest.fn().mockResolvedValue(newStack),
      up: jest.fn(() => {
        reachedUp();
        return new Promise(resolve => (finish = () => resolve(upResult)));
      }),
    };
    createOrSelectStack.mockImplementation(async args =>
      args.stackName.startsWith('acme.payments.prod-') ? blocked : stack,
    );
    const provisioner = engine();
    const first = provisioner.provision(testPlan(), runOptions());
    await upReached;

    await expect(
      provisioner.provision(testPlan(), runOptions()),
    ).rejects.toBeInstanceOf(StackLockedError);
    // Another environment is not held up.
    await expect(
      provisioner.provision(testPlan({ environment: 'dev' }), runOptions()),
    ).resolves.toBeDefined();
    finish();
    await expect(first).resolves.toBeDefined();
    // Once it has finished, the environment can be provisioned again.
    blocked.up.mockResolvedValue(upResult);
    await expect(
      provisioner.provision(testPlan(), runOptions()),
    ).resolves.toBeDefined();
  });

  it('reads Azure before it updates, so that deleted resources come back', async () => {
    await engine().provision(testPlan(), runOptions());
    expect(stack.up).toHaveBeenCalledWith(
      expect.objectContaining({ refresh: true }),
    );
  });

  it('says what failed while selecting the stack, in the terms of the environment', async () => {
    createOrSelectStack.mockRejectedValueOnce(
      commandError(CommandError, 'error: incorrect passphrase client-secret'),
    );
    redactor.add('client-secret');
    const failed = await engine()
      .provision(testPlan(), runOptions())
      .catch(e => e);
    expect(failed).toBeInstanceOf(ProvisioningFailedError);
    expect(failed.stderr).toBe('error: incorrect passphrase ***');

    createOrSelectStack.mockRejectedValueOnce(
      commandError(
        ConcurrentUpdateError,
        'error: the stack is currently locked by 1 lock(s)',
      ),
    );
    await expect(
      engine().provision(testPlan(), runOptions()),
    ).rejects.toBeInstanceOf(StackLockedError);
  });

  it('does not start an update cancelled while the stack was being selected', async () => {
    const controller = new AbortController();
    createOrSelectStack.mockImplementation(async () => {
      controller.abort();
      return stack;
    });
    await expect(
      engine().provision(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(ProvisioningCancelledError);
    expect(stack.up).not.toHaveBeenCalled();
  });

  it('generates one state passphrase when several runs start at once', async () => {
    const engines = [engine(), engine(), engine()];
    await Promise.all(
      engines.map((e, i) =>
        e.provision(testPlan({ environment: `env${i}` }), runOptions()),
      ),
    );
    const passphrases = createOrSelectStack.mock.calls.map(
      ([, options]) => options.envVars!.PULUMI_CONFIG_PASSPHRASE,
    );
    expect(new Set(passphrases).size).toBe(1);
    expect(passphrases[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(`${dir.path}/state-passphrase`, 'utf8')).toBe(
      passphrases[0],
    );
  });

  it('reports cancellation, before or during the update', async () => {
    const controller = new AbortController();
    stack.up.mockImplementation(async () => {
      controller.abort();
      throw commandError(CommandError, 'error: update canceled');
    });
    await expect(
      engine().provision(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toThrow(new ProvisioningCancelledError('acme/payments/prod'));

    createOrSelectStack.mockClear();
    await expect(
      engine().provision(
        testPlan(),
        runOptions({ signal: AbortSignal.abort() }),
      ),
    ).rejects.toBeInstanceOf(ProvisioningCancelledError);
    expect(createOrSelectStack).not.toHaveBeenCalled();
  });

  it('keeps what the CLI said about a failed update, with secrets masked', async () => {
    stack.up.mockRejectedValue(
      commandError(
        CommandError,
        'error: ARM_CLIENT_SECRET=client-secret rejected\nerror: update failed',
      ),
    );
    const failing = engine({
      azure: CLIENT_SECRET_AZURE,
    });
    redactor.add('client-secret');
    const error = await failing
      .provision(testPlan(), runOptions())
      .catch(e => e);
    expect(error).toBeInstanceOf(ProvisioningFailedError);
    expect(error.stderr).toBe(
      'error: ARM_CLIENT_SECRET=*** rejected\nerror: update failed',
    );
  });

  it('does not start the engine without a CLI', async () => {
    const settings = readPulumiAzureOidcConfig(
      new ConfigReader({ pulumiAzureOidc: { dataDirectory: dir.path } }),
    );
    const missing = new AutomationApiEngine({
      settings,
      cli: {
        get: jest
          .fn()
          .mockRejectedValue(
            new Error("The Pulumi CLI is not on the backend's PATH."),
          ),
      } as unknown as PulumiCli,
      redactor,
      logger: mockServices.logger.mock(),
      createOrSelectStack,
    });
    await expect(missing.provision(testPlan(), runOptions())).rejects.toThrow(
      "The Pulumi CLI is not on the backend's PATH.",
    );
    expect(createOrSelectStack).not.toHaveBeenCalled();
  });
});
