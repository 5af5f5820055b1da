import {
  checkOrganizationAllowed,
  checkScopeAllowed,
  checkSubscriptionAllowed,
  Guardrails,
  requestableRoles,
  resolveRequestedRole,
} from './guardrails';
import { RoleCatalogue } from './roles';

const sub = '11111111-2222-3333-4444-555555555555';
const catalogue = new RoleCatalogue();
/** The platform listed the ordinary roles and allowed subscription scope. */
const open: Guardrails = {
  allowedOrganizations: ['acme'],
  allowedSubscriptions: [{ id: sub, name: 'Payments' }],
  allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
  allowedPrivilegedRoles: [],
  allowSubscriptionScope: true,
  allowIacSubject: false,
};

describe('organizations', () => {
  it('allows the listed organizations, exactly as written', () => {
    expect(checkOrganizationAllowed(open, 'acme')).toBeUndefined();
    expect(checkOrganizationAllowed(open, 'Acme')).toBe(
      'must be one of the Pulumi organizations this portal allows: acme',
    );
    expect(checkOrganizationAllowed(open, 'evil-org')).toBe(
      'must be one of the Pulumi organizations this portal allows: acme',
    );
  });
  it('refuses every organization until the platform team allows one', () => {
    expect(
      checkOrganizationAllowed({ ...open, allowedOrganizations: [] }, 'acme'),
    ).toMatch(/allows no Pulumi organization yet/);
  });
});

describe('subscriptions', () => {
  it('allows listed subscriptions in any case', () => {
    expect(checkSubscriptionAllowed(open, sub.toUpperCase())).toBeUndefined();
  });
  it('refuses others, naming the allowed ones', () => {
    expect(
      checkSubscriptionAllowed(open, '99999999-2222-3333-4444-555555555555'),
    ).toBe(
      `must be one of the subscriptions this portal allows: ${sub} (Payments)`,
    );
  });
  it('refuses everything until the platform team allows a subscription', () => {
    expect(
      checkSubscriptionAllowed({ ...open, allowedSubscriptions: [] }, sub),
    ).toMatch(/allows no subscription yet/);
  });
});

describe('roles', () => {
  const allowed = (guardrails: Guardrails) =>
    requestableRoles(guardrails, catalogue).map(r => r.name);

  it('allows the roles the platform lists and no privileged one', () => {
    expect(allowed(open)).toEqual([
      'Reader',
      'Contributor',
      'Key Vault Secrets User',
    ]);
  });

  it('allows no role the platform has not listed, and says which key lists them', () => {
    const unlisted = { ...open, allowedRoles: [] };
    expect(allowed(unlisted)).toEqual([]);
    expect(resolveRequestedRole(unlisted, catalogue, 'Reader')).toEqual({
      problem:
        'cannot be granted: this portal allows no role yet (pulumiAzureOidc.guardrails.allowedRoles)',
    });
  });

  it.each([
    [{ allowedRoles: ['Reader'] }, ['Reader']],
    [
      { allowedRoles: ['b24988ac-6180-42a0-ab88-20f7382dd24c'] },
      ['Contributor'],
    ],
    [
      { allowedPrivilegedRoles: ['owner'] },
      ['Reader', 'Contributor', 'Key Vault Secrets User', 'Owner'],
    ],
    // Listing a privileged role among the ordinary ones is not enough.
    [{ allowedRoles: ['Reader', 'Owner'] }, ['Reader']],
  ])('honours %o', (overrides, names) => {
    expect(allowed({ ...open, ...overrides })).toEqual(names);
  });

  it.each(['Reader', 'reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'])(
    'resolves %s',
    requested => {
      expect(resolveRequestedRole(open, catalogue, requested)).toEqual({
        role: expect.objectContaining({ name: 'Reader' }),
      });
    },
  );

  it.each([
    [
      'Owner',
      "names 'Owner', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
    ],
    [
      'User Access Administrator',
      "names 'User Access Administrator', a privileged role (it can grant access to others) that this portal does not allow; it allows Reader, Contributor, Key Vault Secrets User",
    ],
    [
      'Storage Wizard',
      "names 'Storage Wizard', which is not a role this portal knows; it allows Reader, Contributor, Key Vault Secrets User",
    ],
  ])('refuses %s', (requested, problem) => {
    expect(resolveRequestedRole(open, catalogue, requested)).toEqual({
      problem,
    });
  });

  it('refuses an unprivileged role the platform has not listed', () => {
    expect(
      resolveRequestedRole(
        { ...open, allowedRoles: ['Reader'] },
        catalogue,
        'Contributor',
      ),
    ).toEqual({
      problem:
        "names 'Contributor', which this portal does not allow; it allows Reader",
    });
  });
});

describe('scopes', () => {
  const prefixed = {
    ...open,
    allowedScopePrefixes: [`/subscriptions/${sub}/resourceGroups/app`],
  };
  it('refuses the whole subscription unless the platform allows it explicitly', () => {
    const subscription = {
      id: `/subscriptions/${sub}`,
      kind: 'subscription' as const,
    };
    expect(
      checkScopeAllowed(
        { ...open, allowSubscriptionScope: false },
        subscription,
      ),
    ).toBe(
      'cannot be the whole subscription: this portal grants roles on resource groups and resources only (pulumiAzureOidc.guardrails.allowSubscriptionScope); name a resource group',
    );
    // Resource groups stay allowed.
    expect(
      checkScopeAllowed(
        { ...open, allowSubscriptionScope: false },
        {
          id: `/subscriptions/${sub}/resourceGroups/app`,
          kind: 'resourceGroup',
        },
      ),
    ).toBeUndefined();
  });
  it('allows any scope without prefixes', () => {
    expect(
      checkScopeAllowed(open, {
        id: `/subscriptions/${sub}`,
        kind: 'subscription',
      }),
    ).toBeUndefined();
  });
  it('allows scopes under a prefix and refuses the rest', () => {
    expect(
      checkScopeAllowed(prefixed, {
        id: `/subscriptions/${sub}/resourceGroups/app/providers/a/b/c`,
        kind: 'resource',
      }),
    ).toBeUndefined();
    expect(
      checkScopeAllowed(prefixed, {
        id: `/subscriptions/${sub}`,
        kind: 'subscription',
      }),
    ).toBe(
      `must lie within one of the scopes this portal allows: /subscriptions/${sub}/resourceGroups/app`,
    );
  });
});

describe('scopes whose letters only look like the allowed ones', () => {
  const group = (name: string) =>
    `/subscriptions/${sub}/resourceGroups/${name}`;
  const vault = (name: string) =>
    `${group('rg')}/providers/Microsoft.KeyVault/vaults/${name}`;
  it.each([
    [group('rg-k'), group('rg-\u212a'), "'\u212a' (U+212A KELVIN SIGN)"],
    [
      group('rg-i'),
      group('rg-\u0130'),
      "'\u0130' (U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE)",
    ],
    [
      group('rg-i'),
      group('rg-\u0131'),
      "'\u0131' (U+0131 LATIN SMALL LETTER DOTLESS I)",
    ],
    [
      group('rg-s'),
      group('rg-\u017f'),
      "'\u017f' (U+017F LATIN SMALL LETTER LONG S)",
    ],
    [group('rg-\u00e5'), group('rg-\u212b'), "'\u212b' (U+212B ANGSTROM SIGN)"],
    [vault('kv-k'), vault('kv-\u212a'), "'\u212a' (U+212A KELVIN SIGN)"],
  ])('under %s, refuses %s and names %s', (prefix, scopeId, character) => {
    const problem = checkScopeAllowed(
      { ...open, allowedScopePrefixes: [prefix] },
      { id: scopeId, kind: 'resourceGroup' },
    );
    expect(problem).toBe(
      `must lie within one of the scopes this portal allows: ${prefix}; it contains ${character}, which Azure does not take for the ASCII letter it resembles`,
    );
  });

  it('admits the same names in any ASCII letter case', () => {
    expect(
      checkScopeAllowed(
        { ...open, allowedScopePrefixes: [group('rg-k')] },
        {
          id: `${group('RG-K')}/providers/Microsoft.Web/sites/x`,
          kind: 'resource',
        },
      ),
    ).toBeUndefined();
  });

  it('matches prefixes on whole segments only', () => {
    expect(
      checkScopeAllowed(
        { ...open, allowedScopePrefixes: [group('rg-k')] },
        { id: group('rg-k2'), kind: 'resourceGroup' },
      ),
    ).toBe(
      `must lie within one of the scopes this portal allows: ${group('rg-k')}`,
    );
  });
});
