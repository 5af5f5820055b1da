import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { SUBSCRIPTION } from '../__testUtils__/plans';
import {
  engineMock,
  provisionAction,
  testSettings,
} from '../__testUtils__/provisioning';
import { PROVISION_ACTION_ID } from './provision';
import { examples } from './provision.examples';

describe('the examples of pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  const settings = testSettings(dir.path, {
    pulumiCloud: { organization: 'acme', accessToken: 'token' },
    azure: { defaultSubscriptionId: SUBSCRIPTION },
    guardrails: {
      allowedSubscriptions: [{ id: SUBSCRIPTION }],
      allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
      allowSubscriptionScope: true,
      allowIacSubject: true,
    },
  });
  const dryRunOnly = () =>
    Promise.reject(new Error('examples are dry-run only'));
  const engine = engineMock();
  engine.apply.mockImplementation(dryRunOnly);
  engine.outputs.mockImplementation(dryRunOnly);
  const action = provisionAction(settings, {
    engine,
    escEnvironments: {
      read: dryRunOnly,
      write: dryRunOnly,
      open: dryRunOnly,
      remove: dryRunOnly,
      referrers: dryRunOnly,
      grantTeamOpen: dryRunOnly,
      defaultPermission: dryRunOnly,
    },
  });

  it.each(examples.map(example => [example.description, example.example]))(
    '%s',
    async (_, yaml) => {
      const [step] = parse(yaml).steps;
      expect(step.action).toBe(PROVISION_ACTION_ID);
      const ctx = {
        ...createMockActionContext({ input: step.input }),
        isDryRun: true,
      };
      await action.handler(ctx);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.environmentRef).toBe(
        `${step.input.organization ?? 'acme'}/${step.input.project}/${
          step.input.environment
        }`,
      );
    },
  );
});
