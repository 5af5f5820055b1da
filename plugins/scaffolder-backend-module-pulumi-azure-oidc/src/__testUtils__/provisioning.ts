import { ConfigReader } from '@backstage/config';
import { ProvisionPlan } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { createPulumiAzureOidcProvisionAction } from '../actions/provision';
import {
  configuredSecrets,
  PulumiAzureOidcSettings,
  readPulumiAzureOidcConfig,
} from '../config';
import { ApplyOptions, EnvironmentEngine } from '../engine/engine';
import { emptyStackState, StackState } from '../engine/stackModel';
import { createPreviewRunner } from '../engine/preview/previewRunner';
import { EnvironmentLocks } from '../coordination/environmentLocks';
import { HttpClient } from '../http/httpClient';
import { ProvisionOutcome } from '../provisioning/environmentProvisioner';
import { Stewardship } from '../provisioning/stewardship';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import { SecretRedactor } from '../secrets';
import { environmentProvisioner } from '../wiring';
import { SUBSCRIPTION, TENANT } from './plans';
import { testStewardship } from './stewardship';

export const STACK_NAME = 'acme.payments.prod-0123456789ab';

/** `pulumiAzureOidc` settings over a data directory. */
export function testSettings(
  dataDirectory: string,
  config: object,
): PulumiAzureOidcSettings {
  return readPulumiAzureOidcConfig(
    new ConfigReader({ pulumiAzureOidc: { dataDirectory, ...config } }),
  );
}

/**
 * An engine whose dry runs are real (the program under mocks, in turn) and
 * whose stacks are empty; tests give `apply` its behaviour.
 */
export function engineMock(): jest.Mocked<EnvironmentEngine> {
  const previews = createPreviewRunner({ workers: 0 });
  return {
    stackName: jest.fn().mockReturnValue(STACK_NAME),
    preview: jest.fn(plan =>
      previews.run({ plan, stackName: STACK_NAME, tenantId: TENANT }),
    ),
    apply: jest.fn(),
    destroy: jest.fn(),
    refresh: jest.fn(),
    outputs: jest.fn().mockResolvedValue(emptyStackState()),
  };
}

/** Pulumi Cloud holding no environment yet, and nothing referencing it. */
export function escEnvironmentsMock(): jest.Mocked<EscEnvironments> {
  return {
    read: jest.fn().mockResolvedValue(undefined),
    write: jest.fn().mockResolvedValue('created'),
    open: jest.fn().mockResolvedValue({}),
    remove: jest.fn().mockResolvedValue(true),
    referrers: jest.fn().mockResolvedValue({ environments: [], stacks: [] }),
    grantTeamOpen: jest.fn().mockResolvedValue('granted'),
    defaultPermission: jest.fn().mockResolvedValue({ permission: 'none' }),
  };
}

/** An `apply` that asks who owns `state`, then ends as `end` says. */
export function applyOver(
  state: StackState,
  end: (plan: ProvisionPlan, options: ApplyOptions) => ProvisionOutcome,
): EnvironmentEngine['apply'] {
  return async (plan, options) => {
    options.authorize(state);
    return end(plan, options);
  };
}

/** The provision action over the provisioning service the module builds. */
export function provisionAction(
  settings: PulumiAzureOidcSettings,
  parts: {
    engine: EnvironmentEngine;
    escEnvironments?: EscEnvironments;
    stewardship?: Stewardship;
    /** The engine's, when it has one; else one that knows the settings' secrets. */
    redactor?: SecretRedactor;
    locks?: EnvironmentLocks;
  },
) {
  const stewardship = parts.stewardship ?? testStewardship();
  const redactor =
    parts.redactor ?? new SecretRedactor(configuredSecrets(settings));
  return createPulumiAzureOidcProvisionAction({
    stewardship,
    provisioner: environmentProvisioner(settings, {
      ...parts,
      stewardship,
      redactor,
      http: new HttpClient({ timeoutSeconds: 1, retries: 0 }),
    }),
  });
}

/** What an update of `plan` would return, its ids made up. */
export function outcomeOf(plan: ProvisionPlan): ProvisionOutcome {
  return {
    stackName: STACK_NAME,
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

/**
 * The scaffolder's checkpoints as a task's retries see them: what a step
 * finished is kept, and a retry gets it back instead of running it again.
 */
export function persistentCheckpoints() {
  const stored = new Map<string, unknown>();
  const checkpoint = async ({
    key,
    fn,
  }: {
    key: string;
    fn: () => Promise<any>;
  }) => {
    if (!stored.has(key)) stored.set(key, await fn());
    return stored.get(key);
  };
  return { stored, checkpoint };
}
