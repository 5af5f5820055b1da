/**
 * What a dry run tells: against an existing environment's stack, what an
 * update would change; otherwise, what a first run would create.
 */
import {
  ProvisionPlan,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { StackState } from '../engine/stackModel';
import { escEnvironmentLabel, resourceLabels } from './progress';
import { changesAgainstStack, describeStackChanges } from './stackDiff';

export function reportPreview(
  preview: {
    plan: ProvisionPlan;
    /** Read only when dry runs compare with stacks. */
    stack?: StackState;
    resources: Array<{ type: string; name: string }>;
    roles: RoleCatalogue;
  },
  log: { info(line: string): void },
): void {
  const { plan, stack, resources, roles } = preview;
  if (stack && stack.resources > 0) {
    const diff = changesAgainstStack(plan, stack, roles);
    for (const line of describeStackChanges(diff, 'would')) log.info(line);
  } else {
    if (!stack) {
      log.info(
        "Dry run: not compared with the environment's stack (pulumiAzureOidc.preview.compareWithStack is off); what a first run would create:",
      );
    }
    const labels = resourceLabels(plan);
    for (const { type, name } of resources) {
      log.info(`would create: ${labels.get(name) ?? `${type} '${name}'`}`);
    }
  }
  if (plan.createEscEnvironment) {
    log.info(`would create or update: ${escEnvironmentLabel(plan)}`);
  }
  log.info(
    `Dry run: ${resources.length} resources would be created for ${plan.environmentRef}`,
  );
}
