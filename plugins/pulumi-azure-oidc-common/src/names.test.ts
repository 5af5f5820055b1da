import {
  checkEnvironmentReference,
  checkEscName,
  checkKeyVaultName,
  checkKeyVaultSecretName,
  checkResourceGroupName,
  describeProblems,
  isGuid,
} from './names';

describe('checkEscName', () => {
  it.each(['prod', 'payments-api', 'eu_west.2', 'A1', 'x'.repeat(100)])(
    'accepts %s',
    name => expect(checkEscName(name)).toBeUndefined(),
  );

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(101), 'must be at most 100 characters long'],
    [
      '-prod',
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      '..',
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      'pay/ments',
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      'prod:eu',
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
    [
      'prod env',
      "must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    ],
  ])('refuses %j: %s', (name, message) => {
    expect(checkEscName(name)).toBe(message);
  });
});

describe('checkEnvironmentReference', () => {
  it('accepts project/environment', () => {
    expect(checkEnvironmentReference('apps/web')).toBeUndefined();
  });
  it.each(['web', 'a/b/c', 'apps/-web'])('refuses %s', reference => {
    expect(checkEnvironmentReference(reference)).toMatch(
      /^must be written 'project\/environment'/,
    );
  });
});

describe('Key Vault names', () => {
  it.each(['kv-payments', 'abc', 'a'.repeat(24)])('accepts vault %s', name =>
    expect(checkKeyVaultName(name)).toBeUndefined(),
  );
  it.each([
    ['ab', 'must be 3 to 24 characters long'],
    ['a'.repeat(25), 'must be 3 to 24 characters long'],
    [
      '1vault',
      'must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens',
    ],
    [
      'vault-',
      'must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens',
    ],
    [
      'my--vault',
      'must start with a letter, end with a letter or digit, and contain only letters, digits and single hyphens',
    ],
  ])('refuses vault %s', (name, message) =>
    expect(checkKeyVaultName(name)).toBe(message),
  );
  it.each([
    ['db-password', undefined],
    ['x'.repeat(127), undefined],
    ['x'.repeat(128), 'must be 1 to 127 letters, digits and hyphens'],
    ['db_password', 'must be 1 to 127 letters, digits and hyphens'],
  ])('checks secret %s', (name, message) =>
    expect(checkKeyVaultSecretName(name)).toBe(message),
  );
});

describe('checkResourceGroupName', () => {
  it.each(['rg-payments', 'rg.(prod)_1', 'ŕg'])('accepts %s', name =>
    expect(checkResourceGroupName(name)).toBeUndefined(),
  );
  const CHARACTERS =
    "must contain only letters, digits, '_', '-', '.', '(' and ')', and not end with '.'";
  it.each([
    ['rg.', CHARACTERS],
    ['rg/x', CHARACTERS],
    ['rg%2fx', CHARACTERS],
    ['rg x', CHARACTERS],
    ['..', CHARACTERS],
    ['', 'must be 1 to 90 characters long'],
    ['x'.repeat(91), 'must be 1 to 90 characters long'],
  ])('refuses %j, saying which rule it breaks', (name, message) =>
    expect(checkResourceGroupName(name)).toBe(message),
  );
  it('accepts the longest name', () =>
    expect(checkResourceGroupName('x'.repeat(90))).toBeUndefined());
});

it('recognises GUIDs', () => {
  expect(isGuid('B24988AC-6180-42a0-ab88-20f7382dd24c')).toBe(true);
  expect(isGuid('b24988ac618042a0ab8820f7382dd24c')).toBe(false);
});

it('describes problems one per line, field first', () => {
  expect(
    describeProblems([
      { field: 'project', message: 'must not be empty' },
      { field: 'roleAssignments[1].role', message: "names 'Owner'" },
    ]),
  ).toBe("project must not be empty\nroleAssignments[1].role names 'Owner'");
});
