import pino from 'pino';
import { REDACTED, redactForAudit } from '@keyward/audit';
import type { Logger } from '@keyward/core';

/**
 * Redaction is configuration, not hope (CONVENTIONS "Log context"), in two layers:
 * 1. pino's `redact` paths: these keys are masked wherever they appear one level deep or at the top;
 *    LOG_REDACT_PATHS adds deployment-specific ones.
 * 2. every log object and message string also goes through the audit redactor (invariant 6): secrets
 *    by key name at any depth (password, token, *Url/*Link with a reset hint…) and by value (JWTs,
 *    `Bearer …`/`SSWS …`, private keys, Okta `/signin/reset-password/…` links inside free text), because
 *    a key nobody listed must not carry a live reset link into a log file.
 */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token', 'resetPasswordUrl', '*.resetPasswordUrl',
  'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', 'botToken', 'signingSecret', 'appToken', 'apiToken', 'privateKey', '*.privateKey', 'text', '*.text',
];

export interface LoggerOptions {
  /** Extra pino redact paths (LOG_REDACT_PATHS). */
  redactPaths?: readonly string[];
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level,
    redact: { paths: [...REDACTED_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
    base: { service: 'keyward' },
    formatters: { log: (object) => redactLogObject(object) },
    hooks: {
      // Message strings too: `logger.info({}, \`sent ${url}\`)` must not leak the URL.
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? (redactForAudit({ m: arg }).m as string) : arg)) as Parameters<typeof method>;
        method.apply(this, redacted);
      },
    },
  };
  return (destination ? pino(pinoOptions, destination as pino.DestinationStream) : pino(pinoOptions)) as unknown as Logger;
}

/** Errors keep their type, message (redacted) and stack; everything else goes through the audit redactor. */
function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const prepared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    prepared[key] = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack, ...(isCoded(value) ? { code: value.code } : {}) } : value;
  }
  return redactForAudit(prepared);
}

function isCoded(error: Error): error is Error & { code: string } {
  return typeof (error as { code?: unknown }).code === 'string';
}
