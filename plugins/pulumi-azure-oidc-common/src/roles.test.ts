import { RoleCatalogue, roleDefinitionId } from './roles';

describe('RoleCatalogue', () => {
  it.each([
    // As people type them: mixed case, shouted, padded.
    ['cOnTrIbUtOr', 'Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    ['CONTRIBUTOR', 'Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    [' Contributor ', 'Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    [
      'key vault SECRETS User',
      'Key Vault Secrets User',
      '4633458b-17de-408a-b874-0445c86b69e6',
    ],
    [
      'role based access control administrator',
      'Role Based Access Control Administrator',
      'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    ],
    // GUIDs pasted from the Azure portal or a script, in either case.
    [
      'ACDD72A7-3385-48EF-BD42-F606FBA81AE7',
      'Reader',
      'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    ],
    [
      '8E3AF657-a8ff-443C-A75C-2fe8c4bcb635',
      'Owner',
      '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    ],
  ])(
    'finds the built-in role %j in any case, under its canonical name and id',
    (typed, name, id) => {
      expect(new RoleCatalogue().find(typed)).toEqual({
        name,
        id,
        privileged: [
          'Owner',
          'User Access Administrator',
          'Role Based Access Control Administrator',
        ].includes(name),
      });
    },
  );

  it('tells privileged roles apart, and knows no others', () => {
    const catalogue = new RoleCatalogue();
    expect(catalogue.find('Owner')?.privileged).toBe(true);
    expect(catalogue.find('USER ACCESS ADMINISTRATOR')?.privileged).toBe(true);
    expect(
      catalogue.find('Role Based Access Control Administrator')?.privileged,
    ).toBe(true);
    expect(catalogue.find('Reader')?.privileged).toBe(false);
    expect(catalogue.find('Storage Wizard')).toBeUndefined();
    expect(catalogue.find('Contributor2')).toBeUndefined();
  });

  it.each([
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    '8E3AF657-A8FF-443C-A75C-2FE8C4BCB635',
  ])(
    'refuses to rename a privileged built-in (%s) into an ordinary role',
    id => {
      expect(
        () => new RoleCatalogue([{ name: 'Helper', id, privileged: false }]),
      ).toThrow(
        "The role 'Helper' has the id of Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635), which can grant access to others; it must be declared privileged",
      );
      expect(
        new RoleCatalogue([{ name: 'Helper', id, privileged: true }]).find(
          'Helper',
        )?.privileged,
      ).toBe(true);
    },
  );

  it("takes a platform's own roles, replacing a built-in with the same GUID", () => {
    const catalogue = new RoleCatalogue([
      {
        name: 'AcrPull',
        id: '7F951DDA-4ED3-4680-A7CA-43FE172D538D',
        privileged: false,
      },
      {
        name: 'Leser',
        id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        privileged: false,
      },
    ]);
    expect(catalogue.find('aCRpULL')).toEqual({
      name: 'AcrPull',
      id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      privileged: false,
    });
    expect(catalogue.find('7f951dda-4ED3-4680-a7ca-43FE172D538D')?.name).toBe(
      'AcrPull',
    );
    expect(catalogue.find('Leser')?.id).toBe(
      'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    );
    expect(catalogue.find('Reader')).toBeUndefined();
  });

  it('refuses a role whose id is not a GUID', () => {
    expect(
      () =>
        new RoleCatalogue([{ name: 'Bad', id: 'reader', privileged: false }]),
    ).toThrow("The role 'Bad' has the id 'reader', which is not a GUID");
  });
});

it('builds role definition ids within the subscription', () => {
  expect(roleDefinitionId('sub', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')).toBe(
    '/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
  );
});
