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
 * What one place (the catalog, a Pulumi stack, an entity file) holds about
 * an environment: its owner and the reference it was made for, when it says.
 */
export interface OwnershipRecord {
  /** Where the record is, for messages: `the catalog entity resource:default/x`. */
  where: string;
  owner?: string;
  environmentRef?: string;
}

/**
 * The problem with changing the environment `environmentRef` where `record`
 * holds something of it, if any. Nothing recorded: nobody's yet. Something
 * with no owner: only administrators may decide. A reference that differs
 * (in letter case only, since names derive from it) is another environment.
 */
export function checkRecord(
  requester: Requester,
  environmentRef: string,
  record: OwnershipRecord | undefined,
): string | undefined {
  if (!record) return undefined;
  if (record.environmentRef && record.environmentRef !== environmentRef) {
    return `would share ${record.where} with ${record.environmentRef}, whose name differs only in letter case; choose another name`;
  }
  if (!record.owner) {
    return requester.administrator
      ? undefined
      : `has ${record.where}, which records no owner; only platform administrators may change it`;
  }
  if (mayActFor(requester, record.owner)) return undefined;
  return `belongs to ${record.owner} (recorded in ${record.where}); only its owners and platform administrators may change it`;
}

function normalize(ref: string): string {
  return (toEntityRef(ref, 'group') ?? ref).toLowerCase();
}
