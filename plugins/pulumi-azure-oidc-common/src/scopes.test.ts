import { checkScopeAllowed, Guardrails } from './guardrails';
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

/**
 * What a developer may type as a scope where Azure would resolve or decode
 * it into something else than the guardrails compared.
 */
describe('scopes Azure might read otherwise than the guardrails', () => {
  const SEGMENT_RULE =
    "must be a resource id without '.' or '..' segments, '%', '?', '#', '\\' or spaces";
  const GROUP_NAME_RULE =
    "must be 'subscription', a resource group name or a resource id; as a resource group name it must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'";

  describe('as a resource group name', () => {
    it.each([
      ['a path through ..', 'rg-a/../x'],
      ['an encoded slash', 'rg%2fx'],
      ['an upper-case encoded slash', 'rg%2Fx'],
      ['a query', 'rg?x'],
      ['a fragment', 'rg#x'],
      ['a backslash', 'rg\\x'],
      ['a space', 'rg x'],
      ['a tab', 'rg\tx'],
      ['a line break', 'rg\nx'],
      ['the current directory', '.'],
      ['the parent directory', '..'],
    ])('refuses %s (%j), naming the rule', (_, name) => {
      expect(parseScope(name, sub)).toEqual({ problem: GROUP_NAME_RULE });
    });
  });

  describe('as a segment of a resource id', () => {
    const group = `/subscriptions/${sub}/resourceGroups`;
    it.each([
      // input, the segment the message names
      [`${group}/rg-a/../x`, '..'],
      [`${group}/./rg-a`, '.'],
      [`${group}/rg%2fx`, 'rg%2fx'],
      [`${group}/rg%2Fx`, 'rg%2Fx'],
      [`${group}/rg?x`, 'rg?x'],
      [`${group}/rg#x`, 'rg#x'],
      [`${group}/rg\\x`, 'rg\\x'],
      [`${group}/rg x`, 'rg x'],
      [`${group}/rg\tx`, 'rg\tx'],
      [`${group}/.`, '.'],
      // In the resource part, and climbing out of the subscription.
      [`${group}/rg/providers/Microsoft.Web/sites/..`, '..'],
      [
        `${group}/rg/providers/Microsoft.Web/sites/app%2f..%2f..`,
        'app%2f..%2f..',
      ],
      [
        `${group}/rg/providers/Microsoft.Web/sites/app?api-version=1`,
        'app?api-version=1',
      ],
      [
        `/subscriptions/${sub}/../../providers/Microsoft.Management/managementGroups/x`,
        '..',
      ],
      // An encoded slash that would turn one segment into a path.
      [
        `/subscriptions/${sub}%2fresourceGroups%2frg`,
        `${sub}%2fresourceGroups%2frg`,
      ],
    ])('refuses %j, naming %j', (input, segment) => {
      expect(parseScope(input, sub)).toEqual({
        problem: `${SEGMENT_RULE}; '${segment}' is one`,
      });
    });

    it('refuses the same segments in a platform’s scope prefix', () => {
      expect(canonicalScopePrefix(`${group}/rg-a/../x`)).toEqual({
        problem: `${SEGMENT_RULE}; '..' is one`,
      });
      expect(canonicalScopePrefix(`${group}/rg%2fx`)).toEqual({
        problem: `${SEGMENT_RULE}; 'rg%2fx' is one`,
      });
    });
  });

  it.each([
    '/providers/Microsoft.Management/managementGroups/x',
    '/PROVIDERS/microsoft.management/MANAGEMENTGROUPS/x/',
    '/',
    '//',
    ' / ',
    '/subscriptions',
    '/subscriptions/',
  ])('refuses the management group or root scope %j', input => {
    expect(parseScope(input, sub)).toEqual({
      problem: `must lie inside the subscription ${sub}`,
    });
  });

  it('reads a trailing slash as the scope without it, so the guardrails see the real scope', () => {
    const guardrails: Guardrails = {
      allowedOrganizations: ['acme'],
      allowedSubscriptions: [{ id: sub }],
      allowedRoles: ['Reader'],
      allowedPrivilegedRoles: [],
      allowSubscriptionScope: false,
      allowedScopePrefixes: [`/subscriptions/${sub}/resourceGroups/rg-apps`],
      allowIacSubject: false,
    };
    const checked = (input: string) => {
      const parsed = parseScope(input, sub);
      if ('problem' in parsed) return parsed.problem;
      return checkScopeAllowed(guardrails, parsed.scope) ?? parsed.scope.id;
    };
    // The subscription, slash or not, is refused where it is not allowed.
    for (const input of [
      `/subscriptions/${sub}/`,
      `/subscriptions/${sub}//`,
      `/subscriptions/${sub.toUpperCase()}/`,
    ]) {
      expect(checked(input)).toBe(
        'cannot be the whole subscription: this portal grants roles on resource groups and resources only (pulumiAzureOidc.guardrails.allowSubscriptionScope); name a resource group',
      );
    }
    // Another group's name does not slip under the prefix with a slash…
    expect(checked(`/subscriptions/${sub}/resourceGroups/rg-apps-x/`)).toBe(
      `must lie within one of the scopes this portal allows: /subscriptions/${sub}/resourceGroups/rg-apps`,
    );
    // …nor with an encoded one.
    expect(
      checked(`/subscriptions/${sub}/resourceGroups/rg-apps%2f..%2frg-x`),
    ).toBe(`${SEGMENT_RULE}; 'rg-apps%2f..%2frg-x' is one`);
    // The allowed group with a trailing slash is the allowed group.
    expect(checked(`/subscriptions/${sub}/resourceGroups/rg-apps/`)).toBe(
      `/subscriptions/${sub}/resourceGroups/rg-apps`,
    );
  });
});
