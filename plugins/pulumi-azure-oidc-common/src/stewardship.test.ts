import {
  checkOwnerChoice,
  checkRecordedOwner,
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

describe('checkRecordedOwner', () => {
  const requester = identifyRequester(ada, []);

  it("refuses changes to another owner's environment, naming the record", () => {
    expect(
      checkRecordedOwner(
        requester,
        'group:default/billing-team',
        'the catalog entity resource:default/x',
      ),
    ).toBe(
      'belongs to group:default/billing-team (recorded in the catalog entity resource:default/x); only its owners and platform administrators may change it',
    );
  });

  it('allows changes by the owners and to environments nobody owns yet', () => {
    expect(
      checkRecordedOwner(requester, 'group:default/payments-team', 'the stack'),
    ).toBeUndefined();
    expect(
      checkRecordedOwner(requester, undefined, 'the stack'),
    ).toBeUndefined();
  });
});
