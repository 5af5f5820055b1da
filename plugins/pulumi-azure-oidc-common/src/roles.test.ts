import { RoleCatalogue, roleDefinitionId } from './roles';

describe('RoleCatalogue', () => {
  it('finds built-in roles by name in any case, or by GUID', () => {
    const catalogue = new RoleCatalogue();
    expect(catalogue.find('contributor')?.id).toBe(
      'b24988ac-6180-42a0-ab88-20f7382dd24c',
    );
    expect(catalogue.find('ACDD72A7-3385-48EF-BD42-F606FBA81AE7')?.name).toBe(
      'Reader',
    );
    expect(catalogue.find('Owner')?.privileged).toBe(true);
    expect(
      catalogue.find('Role Based Access Control Administrator')?.privileged,
    ).toBe(true);
    expect(catalogue.find('Storage Wizard')).toBeUndefined();
  });

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
    expect(catalogue.find('acrpull')?.id).toBe(
      '7f951dda-4ed3-4680-a7ca-43fe172d538d',
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
