import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { readPulumiAzureOidcConfig } from '../config';
import { ProvisioningEngine } from '../engine/automationEngine';
import { SecretRedactor } from '../secrets';
import { SUBSCRIPTION } from '../__testUtils__/plans';
import { testStewardship } from '../__testUtils__/stewardship';
import {
  createPulumiAzureOidcProvisionAction,
  PROVISION_ACTION_ID,
} from './provision';
import { examples } from './provision.examples';

describe('the examples of pulumi:azureOidc:provision', () => {
  const dir = createMockDirectory();
  const settings = readPulumiAzureOidcConfig(
    new ConfigReader({
      pulumiAzureOidc: {
        dataDirectory: dir.path,
        pulumiCloud: { organization: 'acme', accessToken: 'token' },
        azure: { defaultSubscriptionId: SUBSCRIPTION },
        guardrails: {
          allowedSubscriptions: [{ id: SUBSCRIPTION }],
          allowIacSubject: true,
        },
      },
    }),
  );
  const engine: ProvisioningEngine = {
    stackName: () => 'stack',
    recorded: () => Promise.reject(new Error('examples are dry-run only')),
    provision: () => Promise.reject(new Error('examples are dry-run only')),
  };
  const action = createPulumiAzureOidcProvisionAction({
    settings,
    engine,
    escEnvironments: {
      read: () => Promise.reject(new Error('examples are dry-run only')),
      write: () => Promise.reject(new Error('examples are dry-run only')),
      open: () => Promise.reject(new Error('examples are dry-run only')),
      remove: () => Promise.reject(new Error('examples are dry-run only')),
    },
    stewardship: testStewardship(),
    redactor: new SecretRedactor(),
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
