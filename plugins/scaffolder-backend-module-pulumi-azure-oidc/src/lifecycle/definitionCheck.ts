/**
 * Whether an environment's definition in Pulumi Cloud is the portal's and
 * logs in as the identity its stack holds.
 */
import {
  portalWrote,
  readLoginBlock,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { StackState } from '../engine/stackModel';

/** What is wrong with the environment's definition, if anything. */
export function definitionProblem(
  yaml: string | undefined,
  state: StackState,
): string | undefined {
  if (yaml === undefined) {
    return 'the environment does not exist in Pulumi Cloud: run the template with createEscEnvironment, or create it from the YAML the template returned';
  }
  if (!portalWrote(yaml)) {
    return "its definition is not the portal's (it does not begin with the portal's first line): someone replaced it; run the template to write it again";
  }
  const block = readLoginBlock(yaml);
  if (!block) {
    return 'its definition has no fn::open::azure-login block at values.azure.login';
  }
  const identity = state.identity!;
  const wrong = (['clientId', 'tenantId', 'subscriptionId'] as const).filter(
    key => block[key] !== identity[key],
  );
  return wrong.length === 0
    ? undefined
    : `its azure-login block names ${wrong
        .map(
          key =>
            `${key} '${block[key]}' where the stack holds '${identity[key]}'`,
        )
        .join(', ')}: run the template again to write the stack's values`;
}
