/**
 * The environment a lifecycle action acts on, as its input names it, and
 * who asks: shared by verify and decommission.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Requester } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import type { z as zod } from 'zod/v3';
import {
  EnvironmentTarget,
  resolveEnvironment,
} from '../lifecycle/environmentTarget';
import { Stewardship } from '../provisioning/stewardship';

export const environmentInput = (z: typeof zod) =>
  z
    .string()
    .describe(
      "The environment: its catalog entity (resource:default/<name>) or 'organization/project/environment'",
    );

export const environmentRefOutput = (z: typeof zod) =>
  z.string().describe('organization/project/environment');

/** The environment of the task's input, and the user it runs for. */
export async function environmentTask(
  ctx: {
    input: { environment: string };
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  },
  stewardship: Stewardship,
): Promise<{ target: EnvironmentTarget; requester: Requester }> {
  return {
    target: await resolveEnvironment(
      'environment',
      ctx.input.environment,
      stewardship,
    ),
    requester: await stewardship.requester(ctx),
  };
}
