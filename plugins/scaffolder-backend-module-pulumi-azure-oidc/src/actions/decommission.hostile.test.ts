/**
 * A thousand generated inputs to the decommission action, the one that
 * destroys: environments named as entity references or
 * `organization/project/environment`, of other kinds and namespaces, with
 * YAML specials, expressions, look-alikes, traversal and case tricks, and
 * confirmations that differ by a letter. The stack is destroyed only for
 * the environment named, confirmed by its exact full name, and only for
 * its owners; anything else is refused before the engine changes anything.
 * (verify resolves its `environment` input with the same function.)
 */
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  formatEnvironmentRef,
  RoleCatalogue,
} from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import { LocalDestination } from '../catalogDestinations/localDestination';
import { destroyed, EnvironmentEngine } from '../engine/engine';
import { emptyStackState } from '../engine/stackModel';
import { Decommissioner } from '../lifecycle/decommissioner';
import { SecretRedactor } from '../secrets';
import {
  environmentInput,
  hostileEnvironmentNames,
  OWNERS,
  ownersStewardship,
  stackOf,
} from '../__testUtils__/environmentInputs';
import { engineMock } from '../__testUtils__/provisioning';
import { createPulumiAzureOidcDecommissionAction } from './decommission';

const input = fc.record({
  environment: environmentInput,
  confirm: fc.oneof(
    fc.constantFrom(
      'acme/payments/prod',
      'acme/billing/prod',
      'acme/payments/dev',
      'acme/payments/Prod',
    ),
    hostileEnvironmentNames,
  ),
  confirmDependants: fc.array(hostileEnvironmentNames, { maxLength: 2 }),
});

jest.setTimeout(600_000);

describe('pulumi:azureOidc:decommission, given hostile inputs', () => {
  const dir = createMockDirectory();
  const engine = engineMock();
  const stateOf = (ref: string) => ({
    ...emptyStackState(),
    ...stackOf(ref),
  });
  engine.outputs.mockImplementation(async env =>
    stateOf(formatEnvironmentRef(env)),
  );
  engine.destroy.mockImplementation((async (env, { authorize }) => {
    const state = stateOf(formatEnvironmentRef(env));
    authorize(state);
    return destroyed(formatEnvironmentRef(env), state.resources);
  }) as EnvironmentEngine['destroy']);
  const stewardship = ownersStewardship();
  const action = createPulumiAzureOidcDecommissionAction({
    stewardship,
    decommissioner: new Decommissioner({
      engine,
      stewardship,
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      roles: new RoleCatalogue(),
      redactor: new SecretRedactor([]),
      destination: new LocalDestination(dir.path),
    }),
  });

  it('destroys only the environment named, confirmed by its full name, for its owners', async () => {
    let destroyedRuns = 0;
    await assertProperty(
      'hostile decommission inputs',
      fc.asyncProperty(input, async asked => {
        engine.destroy.mockClear();
        const refusal = await action
          .handler(createMockActionContext({ input: asked as any }))
          .then(
            () => undefined,
            (error: Error) => error,
          );
        const destroyedRefs = engine.destroy.mock.calls.map(([env]) =>
          formatEnvironmentRef(env),
        );
        destroyedRuns += destroyedRefs.length;
        const problems = refusal
          ? [
              !['InputError', 'NotFoundError', 'NotAllowedError'].includes(
                refusal.name,
              ) && `refused with ${refusal.name}: ${refusal.message}`,
              destroyedRefs.length > 0 && 'destroyed before refusing',
            ]
          : destroyedRefs.map(
              ref =>
                // An environment nobody owns holds nothing to destroy.
                (ref !== asked.confirm ||
                  (OWNERS[ref] ?? 'group:default/payments-team') !==
                    'group:default/payments-team') && {
                  destroyed: ref,
                  confirmed: asked.confirm,
                },
            );
        expect(problems.filter(Boolean)).toEqual([]);
      }),
    );
    // The generator reaches the destroy, so the property is not vacuous.
    expect(destroyedRuns).toBeGreaterThan(50);
  });
});
