/**
 * Generated `environment` inputs of the lifecycle actions (decommission,
 * verify), which name an environment as an entity reference or as
 * `organization/project/environment`: real ones, ones of other kinds and
 * namespaces, YAML specials, expressions, look-alikes, traversal and case
 * tricks. Ada's team owns acme/payments/prod (ENVIRONMENT_ENTITY in the
 * catalog); billing owns acme/billing/prod.
 */
import fc from 'fast-check';
import { ENVIRONMENT_ENTITY } from './environmentModule';
import { ownedEntity, testStewardship } from './stewardship';

export const OWNERS: Record<string, string> = {
  'acme/payments/prod': 'group:default/payments-team',
  'acme/billing/prod': 'group:default/billing-team',
};

export const hostileEnvironmentNames = fc.constantFrom(
  '',
  ' acme/payments/prod',
  'acme/payments/prod ',
  'acme/payments/prod/',
  'acme//payments/prod',
  'acme/payments/../billing/prod',
  'acme/payments/prod\n',
  'acme/payments/pro\u212a', // KELVIN SIGN
  'ACME/PAYMENTS/PROD',
  'acme/Payments/prod',
  '${{ parameters.environment }}',
  'acme/payments/${env}',
  'component:default/payments',
  'resource:other/payments-prod',
  'resource:default/',
  'resource:default/../../etc',
  'group:default/payments-team',
  'prod: true',
  '#acme/payments/prod',
);

export const environmentInput = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'acme/payments/prod',
      'acme/billing/prod',
      'acme/payments/dev',
      `resource:default/${ENVIRONMENT_ENTITY}`,
      `resource:${ENVIRONMENT_ENTITY}`,
      ENVIRONMENT_ENTITY,
      'resource:default/unknown-0000000000000000',
    ),
    weight: 6,
  },
  { arbitrary: hostileEnvironmentNames, weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
);

/** Stewardship over a catalog that records Ada's team's environment. */
export const ownersStewardship = () =>
  testStewardship({
    entities: [ownedEntity(ENVIRONMENT_ENTITY, OWNERS['acme/payments/prod'])],
  });

/** What a stack of `ref` records: its owner's, or nothing. */
export function stackOf(ref: string) {
  return OWNERS[ref]
    ? { resources: 4, owner: OWNERS[ref], environmentRef: ref }
    : { resources: 0 };
}
