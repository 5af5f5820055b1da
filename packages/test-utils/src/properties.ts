import fc from 'fast-check';

/**
 * Property runs in every suite: at least 1,000 cases, from a fixed seed that
 * a failure names, so that it can be replayed (`PROPERTY_SEED=<seed>`).
 */
export const PROPERTY_RUNS = Math.max(
  1000,
  Number(process.env.PROPERTY_RUNS ?? 0),
);
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? 20261130);

/** Checks a property, reports how many cases ran, and fails with the seed. */
export function assertProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
): void | Promise<void> {
  const report = (details: fc.RunDetails<Ts>) => {
    if (details.failed) {
      throw new Error(
        `${name}: ${fc.defaultReportMessage(details)}\n` +
          `Replay with PROPERTY_SEED=${PROPERTY_SEED}.`,
      );
    }
    process.stdout.write(
      `property '${name}': ${details.numRuns} cases passed (seed ${PROPERTY_SEED})\n`,
    );
  };
  const details = fc.check(property as fc.IProperty<Ts>, {
    numRuns: PROPERTY_RUNS,
    seed: PROPERTY_SEED,
  });
  return details instanceof Promise
    ? details.then(report)
    : report(details as fc.RunDetails<Ts>);
}
