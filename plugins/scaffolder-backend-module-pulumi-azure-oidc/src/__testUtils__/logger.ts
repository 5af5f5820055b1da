import { LoggerService } from '@backstage/backend-plugin-api';

/** Everything written to a task log, as text. */
export function recordingLogger(
  lines: string[] = [],
): LoggerService & { lines: string[] } {
  const record =
    (level: string) =>
    (message: string, meta?: unknown): void => {
      lines.push(
        `${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`,
      );
    };
  const logger = {
    lines,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    child: () => logger,
  };
  return logger;
}
