import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type { PulumiCommand } from '@pulumi/pulumi/automation';
import { readPulumiAzureOidcConfig } from '../config';
import { workspaceSettings } from '../config/workspaceSettings';
import {
  AutomationApiEngine,
  AutomationEngineOptions,
} from '../engine/automation/automationEngine';
import { PulumiCli } from '../engine/automation/pulumiCli';
import {
  CreateOrSelectStack,
  Workspaces,
} from '../engine/automation/workspace';
import { createPreviewRunner } from '../engine/preview/previewRunner';
import { SecretRedactor } from '../secrets';

/** A CLI found at /opt/pulumi, as far as the engine can tell. */
export const PULUMI_COMMAND = {
  command: '/opt/pulumi/bin/pulumi',
} as unknown as PulumiCommand;

/**
 * The Automation API engine as the module builds it from `pulumiAzureOidc`
 * config, with stacks from `createOrSelectStack` instead of LocalWorkspace.
 */
export function automationEngineOver(options: {
  dataDirectory: string;
  createOrSelectStack: CreateOrSelectStack;
  config?: object;
  redactor?: SecretRedactor;
  cli?: Pick<PulumiCli, 'get'>;
  recovery?: AutomationEngineOptions['recovery'];
}): AutomationApiEngine {
  const settings = readPulumiAzureOidcConfig(
    new ConfigReader({
      pulumiAzureOidc: {
        dataDirectory: options.dataDirectory,
        ...options.config,
      },
    }),
  );
  const redactor = options.redactor ?? new SecretRedactor();
  const logger = mockServices.logger.mock();
  return new AutomationApiEngine({
    workspaces: new Workspaces({
      settings: workspaceSettings(settings),
      cli: (options.cli ?? { get: async () => PULUMI_COMMAND }) as PulumiCli,
      redactor,
      logger,
      createOrSelectStack: options.createOrSelectStack,
    }),
    previews: createPreviewRunner({ workers: 0 }),
    redactor,
    tenantId: settings.azure.tenantId,
    recovery: options.recovery,
  });
}
