/**
 * Who may act for an environment. Names, stacks and entities all derive from
 * the environment's reference, so anyone could otherwise re-run the template
 * for another team's environment and rewrite its identity, access and owner.
 *
 * A user acts for themselves and the groups they belong to; the platform's
 * administrators act for everyone.
 */
import { toEntityRef } from './catalogEntity';

/** The user running a template, as sign-in resolved them. */
export interface Requester {
  userEntityRef: string;
  /** The user and the groups they belong to. */
  ownershipEntityRefs: string[];
  /** Listed, directly or through a group, in `pulumiAzureOidc.administrators`. */
  administrator: boolean;
}

/** A requester from what sign-in says and who administers the platform. */
export function identifyRequester(
  user: { userEntityRef: string; ownershipEntityRefs: string[] },
  administrators: string[],
): Requester {
  const own = new Set(user.ownershipEntityRefs.map(normalize));
  own.add(normalize(user.userEntityRef));
  return {
    userEntityRef: user.userEntityRef,
    ownershipEntityRefs: user.ownershipEntityRefs,
    administrator: administrators.some(ref => own.has(normalize(ref))),
  };
}

/** Whether the requester may act for an owner (an entity reference). */
export function mayActFor(requester: Requester, owner: string): boolean {
  if (requester.administrator) return true;
  const wanted = normalize(owner);
  return [requester.userEntityRef, ...requester.ownershipEntityRefs].some(
    ref => normalize(ref) === wanted,
  );
}

/** The problem with choosing `owner` for an environment, if any. */
export function checkOwnerChoice(
  requester: Requester,
  owner: string,
): string | undefined {
  if (mayActFor(requester, owner)) return undefined;
  const groups = requester.ownershipEntityRefs.filter(ref =>
    ref.toLowerCase().startsWith('group:'),
  );
  return `must be you or a group you belong to (${
    groups.length > 0 ? groups.join(', ') : 'you belong to none'
  }); '${owner}' is neither. Platform administrators may choose any owner.`;
}

/**
 * The problem with changing an environment whose owner is recorded in
 * `where`, if any. An environment without a recorded owner is nobody's yet.
 */
export function checkRecordedOwner(
  requester: Requester,
  recordedOwner: string | undefined,
  where: string,
): string | undefined {
  if (!recordedOwner || mayActFor(requester, recordedOwner)) return undefined;
  return `belongs to ${recordedOwner} (recorded in ${where}); only its owners and platform administrators may change it`;
}

function normalize(ref: string): string {
  return (toEntityRef(ref, 'group') ?? ref).toLowerCase();
}
