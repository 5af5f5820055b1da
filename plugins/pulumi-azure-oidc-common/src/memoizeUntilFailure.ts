/**
 * `load`, run on the first call and shared by every call after it; run again
 * on the next call once it has failed, so that a fixed cause needs no restart.
 */
export function memoizeUntilFailure<T>(
  load: () => Promise<T>,
): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch(error => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
