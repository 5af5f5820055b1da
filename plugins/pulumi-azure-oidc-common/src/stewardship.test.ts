import {
  checkOwnerChoice,
  checkRecord,
  identifyRequester,
  mayActFor,
} from './stewardship';

const ada = {
  userEntityRef: 'user:default/ada',
  ownershipEntityRefs: ['user:default/ada', 'group:default/payments-team'],
};

describe('identifyRequester', () => {
  it('makes administrators of users listed directly or through a group', () => {
    expect(identifyRequester(ada, []).administrator).toBe(false);
    expect(
      identifyRequester(ada, ['group:default/platform-team']).administrator,
    ).toBe(false);
    expect(identifyRequester(ada, ['user:default/ada']).administrator).toBe(
      true,
    );
    // Entity references compare without regard to case, as the catalog does.
    expect(
      identifyRequester(ada, ['Group:default/Payments-Team']).administrator,
    ).toBe(true);
  });
});

describe('mayActFor', () => {
  const requester = identifyRequester(ada, []);

  it('lets users act for themselves and their groups only', () => {
    expect(mayActFor(requester, 'user:default/ada')).toBe(true);
    expect(mayActFor(requester, 'group:default/payments-team')).toBe(true);
    expect(mayActFor(requester, 'GROUP:default/PAYMENTS-TEAM')).toBe(true);
    expect(mayActFor(requester, 'group:default/billing-team')).toBe(false);
    expect(mayActFor(requester, 'user:default/grace')).toBe(false);
  });

  it('lets administrators act for everyone', () => {
    const admin = identifyRequester(ada, ['group:default/payments-team']);
    expect(mayActFor(admin, 'group:default/billing-team')).toBe(true);
  });
});

describe('checkOwnerChoice', () => {
  it('names the groups the requester may choose', () => {
    expect(
      checkOwnerChoice(identifyRequester(ada, []), 'group:default/billing'),
    ).toBe(
      "must be you or a group you belong to (group:default/payments-team); 'group:default/billing' is neither. Platform administrators may choose any owner.",
    );
  });

  it('says so when the requester belongs to no group', () => {
    const loner = identifyRequester(
      { userEntityRef: 'user:default/lee', ownershipEntityRefs: [] },
      [],
    );
    expect(checkOwnerChoice(loner, 'user:default/lee')).toBeUndefined();
    expect(checkOwnerChoice(loner, 'group:default/billing')).toContain(
      '(you belong to none)',
    );
  });
});

describe('checkRecord', () => {
  const requester = identifyRequester(ada, []);
  const REF = 'acme/payments/prod';
  const where = 'the catalog entity resource:default/x';

  it("refuses changes to another owner's environment, naming the record", () => {
    expect(
      checkRecord(requester, REF, {
        where,
        owner: 'group:default/billing-team',
        environmentRef: REF,
      }),
    ).toBe(
      'belongs to group:default/billing-team (recorded in the catalog entity resource:default/x); only its owners and platform administrators may change it',
    );
  });

  it('allows changes by the owners and to environments nobody holds yet', () => {
    expect(
      checkRecord(requester, REF, { where, owner: 'payments-team' }),
    ).toBeUndefined();
    expect(checkRecord(requester, REF, undefined)).toBeUndefined();
  });

  it('leaves what records no owner to administrators', () => {
    expect(checkRecord(requester, REF, { where: 'its Pulumi stack s' })).toBe(
      'has its Pulumi stack s, which records no owner; only platform administrators may change it',
    );
    expect(
      checkRecord(identifyRequester(ada, ['user:default/ada']), REF, {
        where: 'its Pulumi stack s',
      }),
    ).toBeUndefined();
  });

  it('refuses a name that differs from the recorded one in letter case only, even to administrators', () => {
    const administrator = identifyRequester(ada, ['user:default/ada']);
    expect(
      checkRecord(administrator, 'acme/payments/Prod', {
        where: 'its Pulumi stack s',
        owner: 'group:default/payments-team',
        environmentRef: REF,
      }),
    ).toBe(
      'would share its Pulumi stack s with acme/payments/prod, whose name differs only in letter case; choose another name',
    );
  });
});
