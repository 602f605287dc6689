import { LogLevel } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '@keyward/core';

/**
 * @slack/web-api logs request and response bodies at debug level ("http request body: …",
 * "http request result: …"). For views.update those bodies hold the one-time secret, so these lines
 * are dropped here rather than trusting every deployment to keep debug logging off.
 */
const BODY_LINES = /^http request (body|result|headers)/;

function line(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
}

/** Adapts our pino-style logger to the @slack/logger interface Bolt and WebClient expect. */
export function toSlackLogger(logger: Logger): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  let name = 'slack';
  const bindings = (): object => ({ component: name });
  return {
    // Rest parameters typed unknown[]: @slack/logger declares `...msg: any[]`.
    debug: (...msg: unknown[]) => {
      const text = line(msg);
      if (!BODY_LINES.test(text)) logger.debug(bindings(), text);
    },
    info: (...msg: unknown[]) => logger.info(bindings(), line(msg)),
    warn: (...msg: unknown[]) => logger.warn(bindings(), line(msg)),
    error: (...msg: unknown[]) => logger.error(bindings(), line(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
