/**
 * The environment's definition in Pulumi Cloud, as the golden path may
 * touch it: read before anything changes, so that one the portal may not
 * overwrite stops the run unchanged; written once the trust exists.
 */
import { NotAllowedError } from '@backstage/errors';
import {
  MANAGED_BY_PORTAL,
  portalMayOverwrite,
  ProvisionPlan,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  EscEnvironmentChange,
  EscEnvironmentDefinition,
  EscEnvironments,
} from '../pulumiCloud/escEnvironments';

export class EscDefinitions {
  constructor(private readonly environments: EscEnvironments) {}

  /** The current definition, refused when it is not the portal's to change. */
  async readOwn(
    plan: ProvisionPlan,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined> {
    const current = await this.environments.read(plan.environment, signal);
    if (current && !portalMayOverwrite(current.yaml)) {
      throw new NotAllowedError(
        `Cannot provision ${plan.environmentRef}: the ESC environment exists in Pulumi Cloud and is not the portal's; ` +
          `its definition does not begin with '${MANAGED_BY_PORTAL}'. Choose another name, ` +
          'or hand the environment to the portal by adding that line at the top of its definition.',
      );
    }
    return current;
  }

  write(
    plan: ProvisionPlan,
    yaml: string,
    current: EscEnvironmentDefinition | undefined,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentChange> {
    return this.environments.write(plan.environment, yaml, current, signal);
  }
}
