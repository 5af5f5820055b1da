import { isError } from '@backstage/errors';

/**
 * The scaffolder writes a failed step's `error.stack` into the task log,
 * where a stack trace shows server paths and buries the cause. Errors leave
 * the module's actions with their words only, keeping their class (so
 * `InputError` stays an input error) and their cause.
 */
export async function withTaskLogErrors(
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw wordsOnly(error);
  }
}

function wordsOnly(error: unknown): Error {
  const failure = isError(error) ? (error as Error) : new Error(String(error));
  failure.stack = `${failure.name}: ${failure.message}`;
  return failure;
}
