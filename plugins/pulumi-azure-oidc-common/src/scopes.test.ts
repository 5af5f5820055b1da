import { canonicalScopePrefix, parseScope } from './scopes';

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
    // Canonical: trimmed, single slashes, no trailing slash, ARM's keywords.
    [
      `  //subscriptions//${sub}///RESOURCEGROUPS/rg//PROVIDERS/Microsoft.KeyVault/vaults/kv/ `,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`,
      'resource',
    ],
    [
      ' rg-payments ',
      `/subscriptions/${sub}/resourceGroups/rg-payments`,
      'resourceGroup',
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

describe('segments Azure might resolve or decode', () => {
  it.each(['.', '..', 'rg%2f..', 'rg?x', 'rg#x', 'rg\\x', 'rg x', 'rg\tx'])(
    'refuses a resource id with the segment %j, naming it',
    segment => {
      expect(
        parseScope(`/subscriptions/${sub}/resourceGroups/${segment}`, sub),
      ).toEqual({
        problem: `must be a resource id without '.' or '..' segments, '%', '?', '#', '\\' or spaces; '${segment}' is one`,
      });
    },
  );
});

describe('canonicalScopePrefix', () => {
  it('canonicalises a prefix as scopes are', () => {
    expect(
      canonicalScopePrefix(
        ` /SUBSCRIPTIONS/${sub.toUpperCase()}//resourcegroups/rg-Apps/ `,
      ),
    ).toEqual({ prefix: `/subscriptions/${sub}/resourceGroups/rg-Apps` });
  });
  it.each(['rg-apps', '/subscriptions/not-a-guid', '/providers/x'])(
    'refuses %j',
    prefix => {
      expect(canonicalScopePrefix(prefix)).toEqual({
        problem: `must be an Azure resource id starting /subscriptions/<subscription id>, got '${prefix}'`,
      });
    },
  );
});
