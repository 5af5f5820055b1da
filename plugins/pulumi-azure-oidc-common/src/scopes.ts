/**
 * Where a role assignment applies: the subscription, a resource group, or a
 * resource, always inside the environment's subscription.
 */
import { checkResourceGroupName } from './names';

export type ScopeKind = 'subscription' | 'resourceGroup' | 'resource';

export interface AzureScope {
  /** The full Azure resource id of the scope. */
  id: string;
  kind: ScopeKind;
}

/** How a user may name the subscription itself as the scope. */
export const SUBSCRIPTION_SCOPE = 'subscription';

/**
 * Reads a scope as a user writes it: `subscription` (or nothing) for the
 * whole subscription, a resource group's name, or a full resource id that
 * starts with `/subscriptions/<subscriptionId>`.
 */
export function parseScope(
  input: string | undefined,
  subscriptionId: string,
): { scope: AzureScope } | { problem: string } {
  const subscription = `/subscriptions/${subscriptionId}`;
  const value = (input ?? '').trim();

  if (value === '' || value.toLowerCase() === SUBSCRIPTION_SCOPE) {
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

  const segments = value.replace(/\/+$/, '').split('/').slice(1);
  if (segments.some(s => s === '')) {
    return { problem: 'must be a resource id without empty segments' };
  }
  // Azure might resolve `..` or encoded characters; prefixes are compared as written.
  if (segments.some(s => s === '.' || s === '..' || /[%?#\s\\]/.test(s))) {
    return {
      problem:
        "must be a resource id without '.' or '..' segments, '%', '?', '#', '\\' or spaces",
    };
  }
  const [subscriptionsKeyword, scopeSubscription, ...rest] = segments;
  if (
    subscriptionsKeyword?.toLowerCase() !== 'subscriptions' ||
    scopeSubscription?.toLowerCase() !== subscriptionId.toLowerCase()
  ) {
    return { problem: `must lie inside the subscription ${subscriptionId}` };
  }
  if (rest.length === 0) {
    return { scope: { id: subscription, kind: 'subscription' } };
  }

  const [groupsKeyword, groupName, ...resource] = rest;
  if (
    groupsKeyword.toLowerCase() !== 'resourcegroups' ||
    groupName === undefined
  ) {
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
    providersKeyword.toLowerCase() !== 'providers' ||
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
 * Whether a scope lies at or under a prefix, comparing whole path segments
 * and ignoring case as Azure does: `/…/resourceGroups/app` covers
 * `/…/resourceGroups/app/providers/…` but not `/…/resourceGroups/app-old`.
 */
export function scopeIsWithin(scopeId: string, prefix: string): boolean {
  const scope = scopeId.toLowerCase();
  const base = prefix.replace(/\/+$/, '').toLowerCase();
  return scope === base || scope.startsWith(`${base}/`);
}
