/**
 * A thousand generated `environment` inputs to the verify action, which
 * opens the environment as the portal and keeps what it found: a trust is
 * checked, and its result kept, only for the environment the input names
 * and only for its owners; anything else is refused before any check runs.
 * An environment nobody owns has no stack, so its check finds that and
 * goes no further (trustVerifier.test.ts).
 */
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { formatEnvironmentRef } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { assertProperty } from '@esc-azure-oidc/test-utils/properties';
import fc from 'fast-check';
import { emptyStackState } from '../engine/stackModel';
import { CheckResult } from '../lifecycle/checks';
import { ENVIRONMENT_ENTITY } from '../__testUtils__/environmentModule';
import {
  environmentInput,
  OWNERS,
  ownersStewardship,
  stackOf,
} from '../__testUtils__/environmentInputs';
import { engineMock } from '../__testUtils__/provisioning';
import { verifyActionOver } from '../__testUtils__/verification';

const PASSED: CheckResult = {
  ok: true,
  checks: [{ name: 'stack', status: 'passed', detail: 'the stack holds it' }],
};
/** How an input may name acme/payments/prod by its catalog entity. */
const ENTITY_NAMES = [
  `resource:default/${ENVIRONMENT_ENTITY}`,
  `resource:${ENVIRONMENT_ENTITY}`,
  ENVIRONMENT_ENTITY,
];

jest.setTimeout(600_000);

describe('pulumi:azureOidc:verify, given hostile inputs', () => {
  const engine = engineMock();
  engine.outputs.mockImplementation(async env => ({
    ...emptyStackState(),
    ...stackOf(formatEnvironmentRef(env)),
  }));
  const verify = jest.fn(async () => PASSED);
  const record = jest.fn(async () => undefined);
  const action = verifyActionOver({
    engine,
    verify,
    stewardship: ownersStewardship(),
    store: { record },
  });

  it('checks and keeps only the environment named, for its owners', async () => {
    let verifiedRuns = 0;
    await assertProperty(
      'hostile verify inputs',
      fc.asyncProperty(
        fc.record({
          environment: environmentInput,
          failOnProblem: fc.boolean(),
        }),
        async asked => {
          verify.mockClear();
          record.mockClear();
          const ctx = createMockActionContext({ input: asked as any });
          const refusal = await action.handler(ctx).then(
            () => undefined,
            (error: Error) => error,
          );
          const verified = verify.mock.calls.map(([env]: any) =>
            formatEnvironmentRef(env),
          );
          const kept = record.mock.calls.map(([ref]: any) => ref);
          verifiedRuns += verified.length;
          const [ref] = verified;
          const problems = refusal
            ? [
                !/^(InputError|NotFoundError|NotAllowedError)$/.test(
                  refusal.name,
                ) && `refused with ${refusal.name}: ${refusal.message}`,
                verified.length > 0 && 'checked before refusing',
                kept.length > 0 && 'kept a result before refusing',
              ]
            : [
                verified.length !== 1 && `checked ${verified.length} times`,
                kept.join() !== verified.join() &&
                  `kept ${kept} for ${verified}`,
                !(
                  asked.environment === ref ||
                  (ENTITY_NAMES.includes(asked.environment) &&
                    ref === 'acme/payments/prod')
                ) && `checked ${ref} for '${asked.environment}'`,
                ![undefined, 'group:default/payments-team'].includes(
                  OWNERS[ref],
                ) && `checked ${ref}, which ${OWNERS[ref]} owns`,
                !(ctx.output as jest.Mock).mock.calls.some(
                  ([name, value]: any) =>
                    name === 'environmentRef' && value === ref,
                ) && 'did not output the environment it checked',
              ];
          expect(problems.filter(Boolean)).toEqual([]);
        },
      ),
    );
    // The generator reaches the checks, so the property is not vacuous.
    expect(verifiedRuns).toBeGreaterThan(50);
  });
});
