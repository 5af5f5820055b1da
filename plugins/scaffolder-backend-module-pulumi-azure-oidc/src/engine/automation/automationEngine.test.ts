import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  CommandError,
  ConcurrentUpdateError,
  InlineProgramArgs,
  LocalWorkspaceOptions,
  UpResult,
} from '@pulumi/pulumi/automation';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretRedactor } from '../../secrets';
import {
  automationEngineOver,
  PULUMI_COMMAND,
} from '../../__testUtils__/automationEngine';
import { diagnostic } from '../../__testUtils__/events';
import { SUBSCRIPTION, TENANT, testPlan } from '../../__testUtils__/plans';
import {
  ApplyOptions,
  EngineCancelledError,
  EngineFailedError,
  StackLockedError,
} from '../engine';
import { EngineStack } from './workspace';

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

const runOptions = (options: Partial<ApplyOptions> = {}): ApplyOptions => ({
  onEvent: jest.fn(),
  authorize: jest.fn(),
  ...options,
});

function stackMock(): jest.Mocked<EngineStack> {
  return {
    setAllConfig: jest.fn().mockResolvedValue(undefined),
    refresh: jest.fn().mockResolvedValue(undefined),
    previewRefresh: jest.fn().mockResolvedValue(undefined),
    exportStack: jest.fn().mockResolvedValue(newStack),
    up: jest.fn().mockResolvedValue(upResult),
    destroy: jest.fn().mockResolvedValue(undefined),
    remove: jest.fn().mockResolvedValue(undefined),
    cancel: jest.fn().mockResolvedValue(undefined),
  };
}

describe('AutomationApiEngine', () => {
  const dir = createMockDirectory();
  let stack: jest.Mocked<EngineStack>;
  let createOrSelectStack: jest.Mock<
    Promise<EngineStack>,
    [InlineProgramArgs, LocalWorkspaceOptions]
  >;
  let redactor: SecretRedactor;

  beforeEach(() => {
    dir.clear();
    stack = stackMock();
    createOrSelectStack = jest.fn().mockResolvedValue(stack);
    redactor = new SecretRedactor();
  });

  const engine = (config: object = {}) =>
    automationEngineOver({
      dataDirectory: dir.path,
      config,
      redactor,
      createOrSelectStack,
    });

  it('selects one stack per environment in the fixed project, with local state by default', async () => {
    const plan = testPlan();
    const outcome = await engine().apply(plan, runOptions());

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
      // The run's own (see 'keeps the Pulumi Cloud token out of the data directory').
      pulumiHome: expect.any(String),
      pulumiCommand: PULUMI_COMMAND,
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
      onError: expect.any(Function),
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
    await first.apply(testPlan(), runOptions());
    await engine().apply(testPlan(), runOptions());
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
    await cloud.apply(plan, runOptions());

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
    }).apply(testPlan(), runOptions());
    await engine({
      state: { backendUrl: 's3://state', secretsProvider: 'awskms://alias/k' },
    }).apply(testPlan(), runOptions());
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
      options!.onEvent!(diagnostic('warning', 'slow replication'));
      controller.abort();
      interrupted = options!.signal!.aborted;
      return upResult;
    });
    await engine().apply(
      testPlan(),
      runOptions({ onEvent, signal: controller.signal }),
    );
    expect(onEvent).toHaveBeenCalledWith({
      type: 'diagnostic',
      severity: 'warning',
      message: 'slow replication',
      resourceName: undefined,
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
      engine().apply(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(EngineCancelledError);
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
      engine().apply(testPlan(), runOptions({ authorize })),
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
    await engine().apply(testPlan(), runOptions({ authorize: allow }));
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
    const failure = engine().apply(testPlan(), runOptions());
    await expect(failure).rejects.toBeInstanceOf(StackLockedError);
    await expect(failure).rejects.toThrow(
      /^The ESC environment acme\/payments\/prod is being changed by another run \(Pulumi stack acme\.payments\.prod-[0-9a-f]{12} is locked\)/,
    );
  });

  describe('a stack left locked by a run whose replica died', () => {
    const locked = () =>
      commandError(
        ConcurrentUpdateError,
        'error: [409] Conflict: Another update is currently in progress.',
      );

    it('cancels that update once and goes on, when the lease says the run stopped', async () => {
      stack.up.mockRejectedValueOnce(locked());
      const options = runOptions({
        afterStoppedRun: 'a provision run by user:default/ada',
      });
      await expect(engine().apply(testPlan(), options)).resolves.toBeDefined();
      expect(stack.cancel).toHaveBeenCalledTimes(1);
      expect(stack.up).toHaveBeenCalledTimes(2);
      expect(stack.cancel.mock.invocationCallOrder[0]).toBeLessThan(
        stack.up.mock.invocationCallOrder[1],
      );
      expect(options.onEvent).toHaveBeenCalledWith({
        type: 'notice',
        message:
          'The stack is still locked by the update of a provision run by user:default/ada, which stopped without finishing: cancelling that update (pulumi cancel) and going on',
      });
    });

    it('never cancels an update nobody said had stopped, nor twice', async () => {
      stack.up.mockRejectedValue(locked());
      await expect(
        engine().apply(testPlan(), runOptions()),
      ).rejects.toBeInstanceOf(StackLockedError);
      expect(stack.cancel).not.toHaveBeenCalled();

      // Still locked after the cancel: someone else holds it now.
      await expect(
        engine().apply(
          testPlan(),
          runOptions({ afterStoppedRun: 'a provision run' }),
        ),
      ).rejects.toBeInstanceOf(StackLockedError);
      expect(stack.cancel).toHaveBeenCalledTimes(1);
    });
  });

  it('refuses a second run for the same environment while one is under way', async () => {
    let reachedUp!: () => void;
    const upReached = new Promise<void>(resolve => (reachedUp = resolve));
    let finish!: () => void;
    const blocked = stackMock();
    blocked.up.mockImplementation(() => {
      reachedUp();
      return new Promise(resolve => (finish = () => resolve(upResult)));
    });
    createOrSelectStack.mockImplementation(async args =>
      args.stackName.startsWith('acme.payments.prod-') ? blocked : stack,
    );
    const provisioner = engine();
    const first = provisioner.apply(testPlan(), runOptions());
    await upReached;

    await expect(
      provisioner.apply(testPlan(), runOptions()),
    ).rejects.toBeInstanceOf(StackLockedError);
    // Another environment is not held up.
    await expect(
      provisioner.apply(testPlan({ environment: 'dev' }), runOptions()),
    ).resolves.toBeDefined();
    finish();
    await expect(first).resolves.toBeDefined();
    // Once it has finished, the environment can be provisioned again.
    blocked.up.mockResolvedValue(upResult);
    await expect(
      provisioner.apply(testPlan(), runOptions()),
    ).resolves.toBeDefined();
  });

  it('reads Azure before it updates, so that deleted resources come back', async () => {
    await engine().apply(testPlan(), runOptions());
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
      .apply(testPlan(), runOptions())
      .catch(e => e);
    expect(failed).toBeInstanceOf(EngineFailedError);
    expect(failed.details).toEqual(['error: incorrect passphrase ***']);

    createOrSelectStack.mockRejectedValueOnce(
      commandError(
        ConcurrentUpdateError,
        'error: the stack is currently locked by 1 lock(s)',
      ),
    );
    await expect(
      engine().apply(testPlan(), runOptions()),
    ).rejects.toBeInstanceOf(StackLockedError);
  });

  it('does not start an update cancelled while the stack was being selected', async () => {
    const controller = new AbortController();
    createOrSelectStack.mockImplementation(async () => {
      controller.abort();
      return stack;
    });
    await expect(
      engine().apply(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(EngineCancelledError);
    expect(stack.up).not.toHaveBeenCalled();
  });

  it('generates one state passphrase when several runs start at once', async () => {
    const engines = [engine(), engine(), engine()];
    await Promise.all(
      engines.map((e, i) =>
        e.apply(testPlan({ environment: `env${i}` }), runOptions()),
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
      engine().apply(testPlan(), runOptions({ signal: controller.signal })),
    ).rejects.toThrow(
      'The change to acme/payments/prod was cancelled. Resources changed so far are kept in its stack; running the template again completes them.',
    );

    createOrSelectStack.mockClear();
    await expect(
      engine().apply(testPlan(), runOptions({ signal: AbortSignal.abort() })),
    ).rejects.toBeInstanceOf(EngineCancelledError);
    expect(createOrSelectStack).not.toHaveBeenCalled();
  });

  it('keeps what the CLI said about a failed update, with secrets masked', async () => {
    stack.up.mockImplementation(async options => {
      options!.onError!(
        'error: ARM_CLIENT_SECRET=client-secret rejected\nerror: update failed\n',
      );
      throw commandError(CommandError, 'code: 255');
    });
    redactor.add('client-secret');
    const error = await engine({ azure: CLIENT_SECRET_AZURE })
      .apply(testPlan(), runOptions())
      .catch(e => e);
    expect(error).toBeInstanceOf(EngineFailedError);
    expect(error.details).toEqual([
      'error: ARM_CLIENT_SECRET=*** rejected',
      'error: update failed',
    ]);
  });

  it("prefers the engine's error diagnostics, one paragraph each, to its standard error", async () => {
    stack.up.mockImplementation(async options => {
      options!.onEvent!(
        diagnostic(
          'error',
          '  AuthorizationFailed: client client-secret\n   cannot write roleAssignments\n',
        ),
      );
      options!.onError!('error: update failed\n');
      throw commandError(CommandError, 'code: 255');
    });
    redactor.add('client-secret');
    const error = await engine()
      .apply(testPlan(), runOptions())
      .catch(e => e);
    expect(error.details).toEqual([
      'AuthorizationFailed: client *** cannot write roleAssignments',
    ]);
    expect(error.message).toMatch(
      /^The Pulumi CLI failed for stack acme\.payments\.prod-/,
    );
  });

  it('does not start the engine without a CLI', async () => {
    const missing = automationEngineOver({
      dataDirectory: dir.path,
      createOrSelectStack,
      cli: {
        get: jest
          .fn()
          .mockRejectedValue(
            new Error("The Pulumi CLI is not on the backend's PATH."),
          ),
      },
    });
    await expect(missing.apply(testPlan(), runOptions())).rejects.toThrow(
      "The Pulumi CLI is not on the backend's PATH.",
    );
    expect(createOrSelectStack).not.toHaveBeenCalled();
  });

  describe('keeps the Pulumi Cloud token out of the data directory', () => {
    const CANARY = 'pul-canary-0123456789abcdef';
    const cloud = () =>
      engine({
        pulumiCloud: { accessToken: CANARY },
        state: { backendUrl: 'https://api.pulumi.com' },
      });
    let homes: string[];

    beforeEach(() => {
      homes = [];
      createOrSelectStack.mockImplementation(async (_args, options) => {
        homes.push(options.pulumiHome!);
        return stack;
      });
      // As the CLI does on login with PULUMI_ACCESS_TOKEN (pulumi/pulumi#13919),
      // and as it caches a provider plugin.
      stack.up.mockImplementation(async () => {
        const home = homes[homes.length - 1];
        writeFileSync(
          join(home, 'credentials.json'),
          JSON.stringify({
            accessTokens: { 'https://api.pulumi.com': CANARY },
          }),
        );
        mkdirSync(join(home, 'plugins', 'resource-azuread-v6.9.1'), {
          recursive: true,
        });
        return upResult;
      });
    });

    const filesUnder = (root: string): string[] =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile())
        .map(entry => join(entry.parentPath, entry.name));
    const expectNoTokenLeft = () => {
      for (const file of filesUnder(dir.path)) {
        expect(readFileSync(file, 'utf8')).not.toContain(CANARY);
      }
      expect(homes.length).toBeGreaterThan(0);
      for (const home of homes) expect(existsSync(home)).toBe(false);
    };

    it('gives each run a private home outside the data directory, removes it after a success, and the token saved before', async () => {
      let mode: number | undefined;
      stack.exportStack.mockImplementation(async () => {
        mode = statSync(homes[0]).mode & 0o777;
        return newStack;
      });
      // Where the CLI saved it before runs had homes of their own.
      dir.addContent({ 'pulumi-home/credentials.json': CANARY });
      await cloud().apply(testPlan(), runOptions());
      expect(homes[0]).toContain(join(tmpdir(), 'pulumi-azure-oidc-home-'));
      expect(homes[0].startsWith(dir.path)).toBe(false);
      expect(mode).toBe(0o700);
      expectNoTokenLeft();
    });

    it('removes it after a failed run', async () => {
      const up = stack.up.getMockImplementation()!;
      stack.up.mockImplementation(async options => {
        await up(options);
        throw commandError(CommandError, 'error: update failed');
      });
      await expect(
        cloud().apply(testPlan(), runOptions()),
      ).rejects.toBeInstanceOf(EngineFailedError);
      expectNoTokenLeft();
    });

    it('removes it after a cancelled run', async () => {
      const controller = new AbortController();
      const up = stack.up.getMockImplementation()!;
      stack.up.mockImplementation(async options => {
        await up(options);
        controller.abort();
        throw commandError(CommandError, 'error: update canceled');
      });
      await expect(
        cloud().apply(testPlan(), runOptions({ signal: controller.signal })),
      ).rejects.toBeInstanceOf(EngineCancelledError);
      expectNoTokenLeft();
    });

    it('removes it when the stack cannot be selected, and after reads', async () => {
      createOrSelectStack.mockImplementationOnce(async (_args, options) => {
        homes.push(options.pulumiHome!);
        writeFileSync(join(options.pulumiHome!, 'credentials.json'), CANARY);
        throw commandError(CommandError, 'error: unauthorized');
      });
      await expect(
        cloud().apply(testPlan(), runOptions()),
      ).rejects.toBeInstanceOf(EngineFailedError);
      await cloud().outputs(testPlan().environment);
      await cloud().refresh(testPlan().environment);
      await cloud().destroy(testPlan().environment, runOptions());
      expect(homes).toHaveLength(4);
      expectNoTokenLeft();
    });

    it('shares the provider plugin cache, in the data directory, across runs', async () => {
      const seen: boolean[] = [];
      stack.exportStack.mockImplementation(async () => {
        const home = homes[homes.length - 1];
        seen.push(existsSync(join(home, 'plugins', 'resource-azuread-v6.9.1')));
        return newStack;
      });
      const portal = cloud();
      await portal.apply(testPlan(), runOptions());
      await portal.apply(testPlan(), runOptions());
      // The second run finds what the first one downloaded.
      expect(seen).toEqual([false, true]);
      expect(homes[0]).not.toBe(homes[1]);
      expect(
        statSync(
          join(dir.path, 'pulumi-home', 'plugins', 'resource-azuread-v6.9.1'),
        ).isDirectory(),
      ).toBe(true);
      expectNoTokenLeft();
    });
  });

  describe('besides updates', () => {
    const CREDENTIAL_URN =
      'urn:pulumi:s::esc-azure-oidc::azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential::credential-pulumi-esc-environment';
    const held = {
      version: 3,
      deployment: {
        resources: [
          {
            type: 'pulumi:pulumi:Stack',
            outputs: { owner: 'group:default/payments-team' },
          },
          {
            urn: 'urn:pulumi:s::esc-azure-oidc::azuread:index/application:Application::application',
            type: 'azuread:index/application:Application',
            outputs: {},
          },
          {
            urn: CREDENTIAL_URN,
            type: 'azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential',
            outputs: {},
          },
        ],
      },
    };

    it('previews without a stack, a CLI or a cloud', async () => {
      const preview = await engine().preview(testPlan());
      expect(createOrSelectStack).not.toHaveBeenCalled();
      expect(preview.resources.map(r => r.name)).toContain('application');
      expect(preview.outputs.clientId).toBe('<application client id>');
    });

    it("reads what an environment's stack records, and nothing for a new one", async () => {
      await expect(engine().outputs(testPlan().environment)).resolves.toEqual(
        expect.objectContaining({ resources: 0, owner: undefined }),
      );
      stack.exportStack.mockResolvedValue(held);
      await expect(engine().outputs(testPlan().environment)).resolves.toEqual(
        expect.objectContaining({
          resources: 2,
          owner: 'group:default/payments-team',
        }),
      );
      expect(stack.up).not.toHaveBeenCalled();
    });

    it('destroys the credentials first, then the rest once allowed, then removes the stack', async () => {
      stack.exportStack.mockResolvedValue(held);
      const authorize = jest.fn();
      const result = await engine().destroy(
        testPlan().environment,
        runOptions({ authorize }),
      );
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({ owner: 'group:default/payments-team' }),
      );
      expect(stack.destroy.mock.calls.map(([o]) => o?.target)).toEqual([
        [CREDENTIAL_URN],
        undefined,
      ]);
      expect(stack.destroy).toHaveBeenCalledWith(
        expect.objectContaining({ color: 'never' }),
      );
      expect(stack.remove).toHaveBeenCalled();
      expect(result).toMatchObject({
        alreadyGone: false,
        changes: { deleted: 2 },
      });
    });

    it('destroys after cancelling the update of a run whose replica died', async () => {
      stack.exportStack.mockResolvedValue(held);
      stack.destroy.mockRejectedValueOnce(
        commandError(
          ConcurrentUpdateError,
          'error: the stack is currently locked by 1 lock(s).',
        ),
      );
      await expect(
        engine().destroy(
          testPlan().environment,
          runOptions({ afterStoppedRun: 'a decommission run' }),
        ),
      ).resolves.toMatchObject({ alreadyGone: false });
      expect(stack.cancel).toHaveBeenCalledTimes(1);
      expect(stack.destroy).toHaveBeenCalledTimes(3);
      expect(stack.remove).toHaveBeenCalled();
    });

    it('destroys nothing it may not, and says when nothing was left', async () => {
      stack.exportStack.mockResolvedValue(held);
      const refuse = jest.fn(() => {
        throw new Error('not yours');
      });
      await expect(
        engine().destroy(
          testPlan().environment,
          runOptions({ authorize: refuse }),
        ),
      ).rejects.toThrow('not yours');
      expect(stack.destroy).not.toHaveBeenCalled();
      expect(stack.remove).not.toHaveBeenCalled();

      stack.exportStack.mockResolvedValue(newStack);
      await expect(
        engine().destroy(testPlan().environment, runOptions()),
      ).resolves.toMatchObject({ alreadyGone: true });
      expect(stack.destroy).not.toHaveBeenCalled();
      expect(stack.remove).toHaveBeenCalled();
    });

    it('reports as drift what a refresh would change, and changes nothing', async () => {
      stack.previewRefresh.mockImplementation(async options => {
        const emit = (
          op: string,
          type: string,
          name: string,
          detailedDiff?: object,
        ) =>
          options!.onEvent!({
            sequence: 1,
            timestamp: 0,
            resOutputsEvent: {
              metadata: {
                op,
                urn: `urn:pulumi:s::esc-azure-oidc::${type}::${name}`,
                type,
                detailedDiff,
              },
            },
          } as never);
        emit('same', 'azuread:index/application:Application', 'application');
        emit(
          'update',
          'azuread:index/servicePrincipal:ServicePrincipal',
          'service-principal',
          { tags: { kind: 'update' } },
        );
        emit('delete', 'azure-native:authorization:RoleAssignment', 'role-x');
        return undefined;
      });
      const result = await engine().refresh(testPlan().environment);
      expect(result.drift).toEqual([
        {
          change: 'changed',
          resource: {
            type: 'azuread:index/servicePrincipal:ServicePrincipal',
            name: 'service-principal',
            changed: ['tags'],
          },
        },
        {
          change: 'gone',
          resource: {
            type: 'azure-native:authorization:RoleAssignment',
            name: 'role-x',
          },
        },
      ]);
      expect(stack.refresh).not.toHaveBeenCalled();
      expect(stack.up).not.toHaveBeenCalled();
    });
  });
});
