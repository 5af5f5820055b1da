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
const open: Guardrails = {
  allowedOrganizations: ['acme'],
  allowedSubscriptions: [{ id: sub, name: 'Payments' }],
  allowedPrivilegedRoles: [],
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

  it('allows every unprivileged role by default and no privileged one', () => {
    expect(allowed(open)).toEqual([
      'Reader',
      'Contributor',
      'Key Vault Secrets User',
    ]);
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
