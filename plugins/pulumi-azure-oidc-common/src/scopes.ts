/**
 * Where a role assignment applies: the subscription, a resource group, or a
 * resource, always inside the environment's subscription.
 *
 * A scope is canonicalised once, here: trimmed, single slashes, no trailing
 * slash, ARM's own spelling of `subscriptions`, `resourceGroups` and
 * `providers`, the subscription id in lower case. Guardrails check the
 * canonical id and the program assigns exactly that id.
 */
import { armNamesEqual } from './armNames';
import { checkResourceGroupName, isGuid } from './names';

export type ScopeKind = 'subscription' | 'resourceGroup' | 'resource';

export interface AzureScope {
  /** The canonical Azure resource id of the scope. */
  id: string;
  kind: ScopeKind;
}

/** How a user may name the subscription itself as the scope. */
export const SUBSCRIPTION_SCOPE = 'subscription';

/** ARM's spelling of the keyword segments of a resource id. */
const KEYWORDS = ['subscriptions', 'resourceGroups', 'providers'] as const;

/**
 * Splits a resource id into segments: trimmed, repeated and trailing
 * slashes dropped, keywords in ARM's spelling. Segments Azure might resolve
 * or decode (`.`, `..`, `%`, `?`, `#`, `\`, whitespace) are refused, since
 * prefixes are compared as written.
 */
function resourceIdSegments(
  value: string,
): { segments: string[] } | { problem: string } {
  const segments = value.trim().split('/').filter(Boolean);
  const odd = segments.find(
    s => s === '.' || s === '..' || /[%?#\s\\]/u.test(s),
  );
  if (odd !== undefined) {
    return {
      problem: `must be a resource id without '.' or '..' segments, '%', '?', '#', '\\' or spaces; '${odd}' is one`,
    };
  }
  return {
    segments: segments.map(
      s => KEYWORDS.find(keyword => armNamesEqual(keyword, s)) ?? s,
    ),
  };
}

/**
 * Reads a scope as a user writes it: `subscription` (or nothing) for the
 * whole subscription, a resource group's name, or a full resource id that
 * starts with `/subscriptions/<subscriptionId>`.
 */
export function parseScope(
  input: string | undefined,
  subscriptionId: string,
): { scope: AzureScope } | { problem: string } {
  const subscription = `/subscriptions/${subscriptionId.toLowerCase()}`;
  const value = (input ?? '').trim();

  if (value === '' || armNamesEqual(value, SUBSCRIPTION_SCOPE)) {
    return { scope: { id: subscription, kind: 'subscription' } };
  }

  if (!value.startsWith('/')) {
    const problem = checkResourceGroupName(value);
    if (problem) {
      return {
        problem: `must be '${SUBSCRIPTION_SCOPE}', a resource group name or a resource id; as a resource group name it ${problem}`,
      };
    }
    return {
      scope: {
        id: `${subscription}/resourceGroups/${value}`,
        kind: 'resourceGroup',
      },
    };
  }

  const split = resourceIdSegments(value);
  if ('problem' in split) return split;
  const [subscriptionsKeyword, scopeSubscription, ...rest] = split.segments;
  if (
    subscriptionsKeyword !== 'subscriptions' ||
    !armNamesEqual(scopeSubscription ?? '', subscriptionId)
  ) {
    return { problem: `must lie inside the subscription ${subscriptionId}` };
  }
  if (rest.length === 0) {
    return { scope: { id: subscription, kind: 'subscription' } };
  }

  const [groupsKeyword, groupName, ...resource] = rest;
  if (groupsKeyword !== 'resourceGroups' || groupName === undefined) {
    return {
      problem: `must be the subscription, '${subscription}/resourceGroups/<name>', or a resource inside a resource group`,
    };
  }
  const groupProblem = checkResourceGroupName(groupName);
  if (groupProblem) {
    return { problem: `names a resource group that ${groupProblem}` };
  }
  const groupId = `${subscription}/resourceGroups/${groupName}`;
  if (resource.length === 0) {
    return { scope: { id: groupId, kind: 'resourceGroup' } };
  }

  // providers/<namespace>/<type>/<name>[/<type>/<name>…]
  const [providersKeyword, namespace, ...typed] = resource;
  if (
    providersKeyword !== 'providers' ||
    !/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$/.test(namespace ?? '') ||
    typed.length < 2 ||
    typed.length % 2 === 1
  ) {
    return {
      problem: `must name a resource as '${groupId}/providers/<namespace>/<type>/<name>'`,
    };
  }
  return {
    scope: {
      id: `${groupId}/providers/${[namespace, ...typed].join('/')}`,
      kind: 'resource',
    },
  };
}

/**
 * A platform's scope prefix in canonical form: any resource id path that
 * starts `/subscriptions/<subscription id>`, such as a resource group or a
 * provider namespace within one.
 */
export function canonicalScopePrefix(
  prefix: string,
): { prefix: string } | { problem: string } {
  const split = resourceIdSegments(prefix);
  if ('problem' in split) return split;
  const [subscriptionsKeyword, subscriptionId, ...rest] = split.segments;
  if (subscriptionsKeyword !== 'subscriptions' || !isGuid(subscriptionId)) {
    return {
      problem: `must be an Azure resource id starting /subscriptions/<subscription id>, got '${prefix}'`,
    };
  }
  return {
    prefix: `/subscriptions/${subscriptionId.toLowerCase()}${rest
      .map(segment => `/${segment}`)
      .join('')}`,
  };
}
