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
  Requester,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import {
  EscEnvironmentChange,
  EscEnvironmentDefinition,
  EscEnvironments,
} from '../pulumiCloud/escEnvironments';

/** What the portal knows of an environment before it touches its definition. */
export interface AdoptionContext {
  /** The environment the stack's last finished update was for, if any. */
  recordedEnvironmentRef?: string;
  requester: Requester;
  log: { info(message: string): void };
}

export class EscDefinitions {
  constructor(private readonly environments: EscEnvironments) {}

  /**
   * The current definition, refused when it is not the portal's to change.
   * The marker alone proves nothing (anyone may type it, and an empty
   * definition is what `esc env init` leaves), so the portal adopts an
   * existing environment only when its own records (the stack's last
   * update) name this same environment, or when an administrator asks.
   */
  async readOwn(
    plan: ProvisionPlan,
    adoption: AdoptionContext,
    signal?: AbortSignal,
  ): Promise<EscEnvironmentDefinition | undefined> {
    const current = await this.environments.read(plan.environment, signal);
    if (!current) return undefined;
    const adoptable = portalMayOverwrite(current.yaml);
    if (adoptable && adoption.recordedEnvironmentRef === plan.environmentRef) {
      return current;
    }
    if (adoptable && adoption.requester.administrator) {
      adoption.log.info(
        `Adopting the existing ESC environment ${plan.environmentRef} at the request of ${adoption.requester.userEntityRef}, a golden path administrator`,
      );
      return current;
    }
    const handOver = `To hand it to the portal, add '${MANAGED_BY_PORTAL}' at the top of its definition and ask a golden path administrator (pulumiAzureOidc.administrators) to run the template for it once; or choose another name.`;
    throw new NotAllowedError(
      adoptable
        ? `Cannot provision ${plan.environmentRef}: the ESC environment exists in Pulumi Cloud, but the portal has no record of creating it. ${handOver}`
        : `Cannot provision ${plan.environmentRef}: the ESC environment exists in Pulumi Cloud and is not the portal's; its definition does not begin with '${MANAGED_BY_PORTAL}'. ${handOver}`,
    );
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
