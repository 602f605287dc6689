import type { Logger } from '@keyward/core';

export interface RecordingLogger extends Logger {
  /** Every line logged by this logger and its children, serialised, for "never logged" assertions. */
  readonly lines: string[];
}

export function createRecordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: string) =>
      (obj: object, msg?: string): void => {
        lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)));
      };
    return {
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      debug: log('debug'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { lines });
}
