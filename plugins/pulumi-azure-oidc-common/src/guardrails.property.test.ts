import fc from 'fast-check';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import { checkScopeAllowed, Guardrails } from './guardrails';
import { parseScope } from './scopes';

const sub = '11111111-2222-3333-4444-555555555555';

/**
 * The oracle: ARM's comparison as the service documents it, independent of
 * the guardrail's own folding. Each code point is upper-cased with Unicode's
 * simple mapping (one code point to one code point). JavaScript only offers
 * the full mapping; where that expands to several code points the simple
 * mapping is the character itself, except for the Greek letters with
 * ypogegrammeni, whose simple upper case is their titlecase form.
 */
const GREEK_WITH_YPOGEGRAMMENI = new Map<number, number>([
  ...[0x1f80, 0x1f90, 0x1fa0].flatMap(start =>
    [0, 1, 2, 3, 4, 5, 6, 7].map(i => [start + i, start + i + 8] as const),
  ),
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);

function simpleUpperCase(character: string): string {
  const greek = GREEK_WITH_YPOGEGRAMMENI.get(character.codePointAt(0)!);
  if (greek) return String.fromCodePoint(greek);
  const upper = character.toUpperCase();
  return [...upper].length === 1 ? upper : character;
}

const armKey = (value: string) => [...value].map(simpleUpperCase).join('');

function armWouldPutWithin(scopeId: string, prefix: string): boolean {
  const scope = scopeId.split('/');
  const base = prefix.split('/');
  return (
    base.length <= scope.length &&
    base.every((segment, i) => armKey(segment) === armKey(scope[i]))
  );
}

/** Letters that pass for one another under some case mapping, and others. */
const LOOKALIKES: Record<string, string[]> = {
  k: ['K', '\u212a'],
  s: ['S', '\u017f'],
  i: ['I', '\u0130', '\u0131'],
  a: ['A', '\u00e5', '\u00c5', '\u212b'],
  e: ['E', '\u00e9', '\u00c9'],
};
const letter = fc.constantFrom(
  ...'abcikseKSI0129-_'.split(''),
  ...Object.values(LOOKALIKES).flat(),
  'ж',
  'Ж',
  'ß',
  'ǅ',
  '\u1f80',
  '\u1f88',
);
const name = fc.string({ unit: letter, minLength: 1, maxLength: 8 });

/** A scope name close to the prefix's: some letters swapped for look-alikes, maybe a suffix. */
const nearName = (base: string) =>
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: base.length, maxLength: base.length }),
      fc.constantFrom('', '', '2', '-x'),
    )
    .map(([choices, suffix]) => {
      const swapped = [...base].map((character, index) => {
        const options = LOOKALIKES[character.toLowerCase()];
        const choice = choices[index] % 3;
        if (!options || choice === 0) return character;
        return options[choices[index] % options.length];
      });
      return `${swapped.join('')}${suffix}`;
    });

const resource = fc.constantFrom(
  '',
  '/providers/Microsoft.Web/sites/app',
  '/providers/Microsoft.KeyVault/vaults/kv',
);

const cases = name.chain(prefixName =>
  fc.record({
    prefixName: fc.constant(prefixName),
    scopeName: fc.oneof(nearName(prefixName), name),
    resource,
  }),
);

function decide(prefixName: string, scopeName: string, resourcePath: string) {
  const prefix = `/subscriptions/${sub}/resourceGroups/${prefixName}`;
  const parsed = parseScope(
    `/subscriptions/${sub}/resourceGroups/${scopeName}${resourcePath}`,
    sub,
  );
  if ('problem' in parsed) return undefined;
  const guardrails: Guardrails = {
    allowedOrganizations: ['acme'],
    allowedSubscriptions: [{ id: sub }],
    allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
    allowedPrivilegedRoles: [],
    allowSubscriptionScope: true,
    allowedScopePrefixes: [prefix],
    allowIacSubject: false,
  };
  return {
    admitted: checkScopeAllowed(guardrails, parsed.scope) === undefined,
    armWithin: armWouldPutWithin(parsed.scope.id, prefix),
  };
}

const ascii = (value: string) => /^[\x20-\x7e]*$/.test(value);

describe('scope prefixes against ARM’s own comparison', () => {
  it('admit a scope only when ARM would put it under an allowed prefix', () => {
    expect(() =>
      assertProperty(
        'guardrail admits ⇒ ARM puts the scope under the prefix',
        fc.property(cases, ({ prefixName, scopeName, resource: path }) => {
          const decision = decide(prefixName, scopeName, path);
          return !decision?.admitted || decision.armWithin;
        }),
      ),
    ).not.toThrow();
  });

  it('admit every ASCII scope that ARM puts under an allowed prefix', () => {
    expect(() =>
      assertProperty(
        'ASCII scope under the prefix for ARM ⇒ guardrail admits',
        fc.property(cases, ({ prefixName, scopeName, resource: path }) => {
          fc.pre(ascii(prefixName) && ascii(scopeName));
          const decision = decide(prefixName, scopeName, path);
          return !decision?.armWithin || decision.admitted;
        }),
      ),
    ).not.toThrow();
  });
});
