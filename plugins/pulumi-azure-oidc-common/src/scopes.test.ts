import { parseScope, scopeIsWithin } from './scopes';

const sub = '11111111-2222-3333-4444-555555555555';

describe('parseScope', () => {
  it.each([
    [undefined, `/subscriptions/${sub}`, 'subscription'],
    ['', `/subscriptions/${sub}`, 'subscription'],
    ['Subscription', `/subscriptions/${sub}`, 'subscription'],
    [
      `/subscriptions/${sub.toUpperCase()}/`,
      `/subscriptions/${sub}`,
      'subscription',
    ],
    [
      'rg-payments',
      `/subscriptions/${sub}/resourceGroups/rg-payments`,
      'resourceGroup',
    ],
    [
      `/SUBSCRIPTIONS/${sub}/resourcegroups/rg-payments`,
      `/subscriptions/${sub}/resourceGroups/rg-payments`,
      'resourceGroup',
    ],
    [
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-pay`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-pay`,
      'resource',
    ],
    [
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/blobServices/default`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/blobServices/default`,
      'resource',
    ],
  ])('reads %j as %s', (input, id, kind) => {
    expect(parseScope(input, sub)).toEqual({ scope: { id, kind } });
  });

  it.each([
    [
      '/subscriptions/99999999-2222-3333-4444-555555555555',
      `must lie inside the subscription ${sub}`,
    ],
    [
      '/providers/Microsoft.Management/managementGroups/root',
      `must lie inside the subscription ${sub}`,
    ],
    [
      `/subscriptions/${sub}//resourceGroups/rg`,
      'must be a resource id without empty segments',
    ],
    [
      `/subscriptions/${sub}/providers/Microsoft.Web/sites/x`,
      `must be the subscription, '/subscriptions/${sub}/resourceGroups/<name>', or a resource inside a resource group`,
    ],
    [
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Web/sites`,
      `must name a resource as '/subscriptions/${sub}/resourceGroups/rg/providers/<namespace>/<type>/<name>'`,
    ],
    [
      'rg.',
      "must be 'subscription', a resource group name or a resource id; as a resource group name it must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'",
    ],
  ])('refuses %s', (input, problem) => {
    expect(parseScope(input, sub)).toEqual({ problem });
  });
});

describe('scopeIsWithin', () => {
  const rg = `/subscriptions/${sub}/resourceGroups/app`;
  it.each([
    [rg, rg, true],
    [`${rg}/providers/Microsoft.Web/sites/x`, `${rg}/`, true],
    [rg.toUpperCase(), rg, true],
    [`/subscriptions/${sub}/resourceGroups/app-old`, rg, false],
    [`/subscriptions/${sub}`, rg, false],
  ])('%s within %s: %s', (scope, prefix, expected) => {
    expect(scopeIsWithin(scope, prefix)).toBe(expected);
  });
});
