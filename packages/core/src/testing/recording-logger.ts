import type { Logger } from '../ports/logger';

export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  bindings: Record<string, unknown>;
  obj: object;
  msg?: string;
}

/** A Logger that keeps every line (with its child bindings), so tests can search logs for secrets. */
export interface RecordingLogger extends Logger {
  entries(): LogEntry[];
  /** Every entry serialised: the haystack for "this string never reached a log". */
  allText(): string;
}

export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): RecordingLogger => {
    const write = (level: LogEntry['level']) => (obj: object, msg?: string) => {
      entries.push({ level, bindings, obj, msg });
    };
    return {
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      debug: write('debug'),
      child: (more) => make({ ...bindings, ...more }),
      entries: () => [...entries],
      allText: () => JSON.stringify(entries, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)),
    };
  };
  return make({});
}
