/**
 * What one CLI operation said, and how it hears of a cancellation: its
 * events (in the engine interface's words), its error diagnostics, its
 * standard error.
 */
import type { EngineEvent as PulumiEvent } from '@pulumi/pulumi/automation';
import type { SecretRedactor } from '../../secrets';
import type { RunOptions } from '../engine';
import { fromPulumiEvent } from './pulumiEvents';

/** Runs one CLI step, turning its failure into the interface's errors. */
export type Step = <S>(fn: () => Promise<S>, log?: OperationLog) => Promise<S>;

export class OperationLog {
  /** Error diagnostics, with the resource each concerns, for the failure and for recovery. */
  readonly failures: Array<{ resourceName?: string; message: string }> = [];
  stderr = '';
  private readonly cliAbort = new AbortController();
  private listening = false;

  constructor(private readonly options: RunOptions = {}) {}

  /**
   * Options every operation passes. The Automation API listens for aborts
   * only once the CLI runs and misses one that came earlier, so an abort
   * reaches the CLI when its first event shows it listens.
   */
  listen() {
    const { signal, onEvent } = this.options;
    signal?.addEventListener(
      'abort',
      () => {
        if (this.listening) this.cliAbort.abort();
      },
      { once: true },
    );
    return {
      color: 'never' as const,
      signal: this.cliAbort.signal,
      onError: (chunk: string) => {
        this.stderr += chunk;
      },
      onEvent: (event: PulumiEvent) => {
        if (!this.listening) {
          this.listening = true;
          if (signal?.aborted) this.cliAbort.abort();
        }
        const mapped = fromPulumiEvent(event);
        if (!mapped) return;
        if (mapped.type === 'diagnostic' && mapped.severity === 'error') {
          this.failures.push(mapped);
        }
        onEvent?.(mapped);
      },
    };
  }

  /**
   * Why the operation failed, secrets masked: the engine's error
   * diagnostics, one paragraph each; or else the last lines of its
   * standard error, or of the error itself.
   */
  whatItSaid(error: Error, redactor: SecretRedactor): string[] {
    const lines = (text: string) =>
      text
        .split('\n')
        .map(line => line.trim())
        .filter(Boolean);
    if (this.failures.length > 0) {
      return this.failures.map(f =>
        redactor.redact(lines(f.message).join(' ')),
      );
    }
    return lines(redactor.redact(this.stderr || error.message)).slice(-5);
  }
}
