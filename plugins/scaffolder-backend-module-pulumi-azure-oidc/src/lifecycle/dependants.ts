/**
 * What uses an environment, as Pulumi Cloud's referrers API lists it:
 * environments that import it and stacks that reference it. A
 * decommission goes ahead only when each is confirmed by name. The API is
 * experimental and cannot see `esc run` in pipelines or stacks on DIY
 * backends, which the refusal says.
 */
import { InputError } from '@backstage/errors';
import { EscEnvironments } from '../pulumiCloud/escEnvironments';
import type { DecommissionTask } from './decommissioner';

/** Environments and stacks that use it, each confirmed by name. */
export async function refuseUnconfirmedDependants(
  escEnvironments: EscEnvironments | undefined,
  task: Pick<
    DecommissionTask,
    'target' | 'log' | 'signal' | 'confirmDependants'
  >,
) {
  const { target, log, signal } = task;
  if (!escEnvironments) {
    log.warn(
      'Cannot list what uses the environment: no Pulumi Cloud access token is configured (pulumiAzureOidc.pulumiCloud.accessToken)',
    );
    return;
  }
  const referrers = await escEnvironments.referrers(target.environment, signal);
  if (!referrers) {
    log.warn(
      'Pulumi Cloud could not list what uses the environment (its referrers API is experimental)',
    );
    return;
  }
  const self = `${target.environment.project}/${target.environment.environment}`;
  const dependants = [
    ...referrers.environments
      .filter(ref => ref !== self)
      .map(ref => ({ name: ref, kind: 'environment importing it' })),
    ...referrers.stacks.map(ref => ({ name: ref, kind: 'stack using it' })),
  ];
  const unconfirmed = dependants.filter(
    d => !task.confirmDependants.includes(d.name),
  );
  if (unconfirmed.length > 0) {
    throw new InputError(
      `${target.environmentRef} is in use: ${unconfirmed
        .map(d => `${d.name} (${d.kind})`)
        .join(
          ', ',
        )}. They would lose their Azure login. Confirm each by name in confirmDependants to decommission it anyway. Pulumi Cloud's list may be incomplete: it cannot see \`esc run\` in pipelines, or stacks on DIY backends.`,
    );
  }
  if (dependants.length > 0) {
    log.warn(
      `Decommissioning although in use, as confirmed: ${dependants
        .map(d => d.name)
        .join(', ')}`,
    );
  }
}
