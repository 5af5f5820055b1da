/**
 * How Azure Resource Manager compares names, ids and scopes, for every
 * guardrail and form check that decides whether a request is allowed.
 *
 * ARM treats resource names as case-insensitive ("Resource names are
 * case-insensitive unless noted", learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)
 * and compares them ordinal-ignore-case, upper-casing each character with the
 * invariant culture's simple mapping. JavaScript's `toLowerCase()` and
 * `toUpperCase()` use Unicode's full mappings instead, under which U+212A
 * KELVIN SIGN is "k", U+017F LATIN SMALL LETTER LONG S is "S", U+0130 becomes
 * two characters: a guardrail built on them admits names ARM keeps apart.
 *
 * We fold ASCII letters only. Names equal under this fold are equal to ARM
 * too (ARM folds ASCII letters alike), while names that ARM might equate
 * through a non-ASCII mapping stay apart. So a guardrail may refuse a scope
 * ARM would have put under an allowed prefix, with an error naming the
 * character, but never admits one ARM would put elsewhere.
 */

/**
 * Lower-cases ASCII letters, and nothing else: for ASCII the same key as
 * ARM's upper-casing, and the same as `toLowerCase()`, so names derived from
 * it before stay as they were.
 */
export function armFoldCase(value: string): string {
  return value.replace(/[A-Z]+/g, letters => letters.toLowerCase());
}

/** Whether ARM names or ids are the same, as far as we can be sure. */
export function armNamesEqual(a: string, b: string): boolean {
  return armFoldCase(a) === armFoldCase(b);
}

/**
 * Whether a resource id lies at or under a prefix, by whole path segments:
 * `/…/resourceGroups/app` covers `/…/resourceGroups/app/providers/…` but not
 * `/…/resourceGroups/app-old`. Both must be canonical (see `canonicalScopeId`).
 */
export function armIdIsWithin(id: string, prefix: string): boolean {
  const scope = armFoldCase(id);
  const base = armFoldCase(prefix);
  return scope === base || scope.startsWith(`${base}/`);
}

/** Unicode names of the characters that most often pass for ASCII letters. */
const LOOKALIKE_NAMES: Record<number, string> = {
  0x0130: 'LATIN CAPITAL LETTER I WITH DOT ABOVE',
  0x0131: 'LATIN SMALL LETTER DOTLESS I',
  0x017f: 'LATIN SMALL LETTER LONG S',
  0x212a: 'KELVIN SIGN',
  0x212b: 'ANGSTROM SIGN',
};

/** `'K' (U+212A KELVIN SIGN)`, or `'é' (U+00E9)`. */
export function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0)!;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  const name = LOOKALIKE_NAMES[codePoint];
  return `'${character}' (U+${hex}${name ? ` ${name}` : ''})`;
}

/**
 * The characters of a value that only look like ASCII letters or digits:
 * compatibility forms, letters with marks, and letters whose case mapping
 * leads to ASCII (K KELVIN SIGN, ſ LONG S, ı DOTLESS I, İ, Å ANGSTROM SIGN).
 * Each once, in order.
 */
export function lookalikeCharacters(value: string): string[] {
  const lookalikes = [...value].filter(character => {
    if (character.codePointAt(0)! <= 0x7f) return false;
    const plain = character
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toUpperCase()
      .toLowerCase();
    return /^[a-z0-9]+$/.test(plain);
  });
  return [...new Set(lookalikes)];
}
