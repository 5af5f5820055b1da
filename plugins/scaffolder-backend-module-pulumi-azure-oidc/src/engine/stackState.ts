/**
 * What a stack's state says about the environment it was made for, read
 * before an update so that nobody changes an identity that is not theirs.
 */
import { OWNER_TAG_PREFIX } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { Deployment } from '@pulumi/pulumi/automation';

export interface StackState {
  /** Resources the stack holds, itself and its providers aside. */
  resources: number;
  /**
   * The owner its last update recorded; or, where no update finished, the one
   * the Entra application's tag names (the application is created first).
   */
  owner?: string;
  /** The environment its last finished update was for. */
  environmentRef?: string;
}

const STACK_TYPE = 'pulumi:pulumi:Stack';
const APPLICATION_TYPE = 'azuread:index/application:Application';

type StateResource = {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
};

export function readStackState(deployment: Deployment): StackState {
  const resources: StateResource[] = deployment.deployment?.resources ?? [];
  const stack = resources.find(r => r.type === STACK_TYPE);
  const held = resources.filter(
    r => r.type !== STACK_TYPE && !r.type.startsWith('pulumi:providers:'),
  );
  const application = held.find(r => r.type === APPLICATION_TYPE);
  const tags = application?.outputs?.tags ?? application?.inputs?.tags;
  const ownerTag = Array.isArray(tags)
    ? tags.find(
        (tag): tag is string =>
          typeof tag === 'string' && tag.startsWith(OWNER_TAG_PREFIX),
      )
    : undefined;
  return {
    resources: held.length,
    owner:
      text(stack?.outputs?.owner) ?? ownerTag?.slice(OWNER_TAG_PREFIX.length),
    environmentRef: text(stack?.outputs?.environmentRef),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
