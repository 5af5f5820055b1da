import {
  armFoldCase,
  armIdIsWithin,
  armNamesEqual,
  describeCharacter,
  lookalikeCharacters,
} from './armNames';

const KELVIN = '\u212a';
const sub = '11111111-2222-3333-4444-555555555555';

describe('armFoldCase', () => {
  it('folds ASCII letters and leaves every other character as it is', () => {
    expect(armFoldCase('RG-Apps_(1).x')).toBe('rg-apps_(1).x');
    expect(armFoldCase(`RG-${KELVIN}\u0130\u0131\u017f\u212bÉ`)).toBe(
      `rg-${KELVIN}\u0130\u0131\u017f\u212bÉ`,
    );
  });
});

describe('armNamesEqual', () => {
  it.each([
    ['rg-k', 'RG-K', true],
    ['rg-k', `rg-${KELVIN}`, false],
    ['rg-i', 'rg-\u0130', false],
    ['rg-i', 'rg-\u0131', false],
    ['rg-s', 'rg-\u017f', false],
    ['rg-\u00e5', 'rg-\u212b', false],
  ])('%s and %s: %s', (a, b, equal) => {
    expect(armNamesEqual(a, b)).toBe(equal);
  });
});

describe('armIdIsWithin', () => {
  const rg = `/subscriptions/${sub}/resourceGroups/app`;
  it.each([
    [rg, rg, true],
    [`${rg}/providers/Microsoft.Web/sites/x`, rg, true],
    [`/subscriptions/${sub}/RESOURCEGROUPS/APP`, rg, true],
    [`/subscriptions/${sub}/resourceGroups/app-old`, rg, false],
    [`/subscriptions/${sub}/resourceGroups/app2`, rg, false],
    [`/subscriptions/${sub}`, rg, false],
    [`/subscriptions/${sub}/resourceGroups/rg-${KELVIN}`, rg, false],
  ])('%s within %s: %s', (scope, prefix, expected) => {
    expect(armIdIsWithin(scope, prefix)).toBe(expected);
  });
});

describe('lookalikeCharacters', () => {
  it('finds the characters that pass for ASCII letters, each once', () => {
    expect(
      lookalikeCharacters(
        `rg-${KELVIN}${KELVIN}-\u0130\u0131\u017f\u212b-é-ж-日`,
      ),
    ).toEqual([KELVIN, '\u0130', '\u0131', '\u017f', '\u212b', 'é']);
  });
  it('finds none in ASCII or in letters that resemble no ASCII letter', () => {
    expect(lookalikeCharacters('rg-apps-ж-日')).toEqual([]);
  });
});

describe('describeCharacter', () => {
  it('names the code point, and the Unicode name of well-known lookalikes', () => {
    expect(describeCharacter(KELVIN)).toBe(`'${KELVIN}' (U+212A KELVIN SIGN)`);
    expect(describeCharacter('é')).toBe("'é' (U+00E9)");
  });
});
