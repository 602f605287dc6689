import pino from 'pino';
import type { Logger } from '@keyward/core';

/**
 * Redaction is configuration, not hope: any field with these names is masked wherever it appears
 * in a log line (one level deep and at the top). Secrets also never get passed to the logger.
 */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token', 'resetPasswordUrl', '*.resetPasswordUrl',
  'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', 'botToken', 'signingSecret', 'appToken', 'apiToken', 'privateKey', '*.privateKey', 'text', '*.text',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'keyward' } };
  return (destination ? pino(options, destination as pino.DestinationStream) : pino(options)) as unknown as Logger;
}
