import { EnvironmentEngine } from '../engine/engine';
import { createPulumiAzureOidcVerifyAction } from '../actions/verify';
import { CheckResult } from '../lifecycle/checks';
import { LifecycleStore } from '../lifecycle/lifecycleStore';
import { TrustVerifier } from '../lifecycle/trustVerifier';
import { Verification } from '../lifecycle/verification';
import { Stewardship } from '../provisioning/stewardship';

/** The verify action over an engine, with `verify` standing in for the trust's checks. */
export function verifyActionOver(parts: {
  engine: EnvironmentEngine;
  verify: () => Promise<CheckResult>;
  stewardship: Stewardship;
  store: Pick<LifecycleStore, 'record'>;
}) {
  return createPulumiAzureOidcVerifyAction({
    stewardship: parts.stewardship,
    verification: new Verification({
      engine: parts.engine,
      verifier: { verify: parts.verify } as unknown as TrustVerifier,
      stewardship: parts.stewardship,
      store: parts.store as LifecycleStore,
    }),
  });
}
