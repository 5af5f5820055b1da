import { isError } from '@backstage/errors';

/**
 * Keeps secret values (Pulumi tokens, Azure client secrets, state
 * passphrases) out of everything a user or a log can read.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();

  constructor(values: Iterable<string> = []) {
    for (const value of values) this.add(value);
  }

  add(value: string | undefined): void {
    if (value) this.values.add(value);
  }

  /** Runs `work`; its errors keep their class and cause, their words lose every secret. */
  async masking<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isError(error)) error.message = this.redact(error.message);
      throw error;
    }
  }

  redact(text: string): string {
    // Longest first, so a secret that contains another is masked whole.
    return [...this.values]
      .sort((a, b) => b.length - a.length)
      .reduce((masked, value) => masked.split(value).join('***'), text);
  }
}
