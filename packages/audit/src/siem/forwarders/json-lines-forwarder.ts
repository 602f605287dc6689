import { open } from 'node:fs/promises';
import type { AuditRecord } from '@keyward/core';
import type { SiemForwarder } from '../siem-forwarder';

export interface JsonLinesForwarderOptions {
  /** `stdout`, or a file path appended to (rotated by the operator's logrotate with copytruncate). */
  target: 'stdout' | string;
  /** For tests: where `stdout` writes. */
  stdout?: NodeJS.WritableStream;
}

/** One JSON object per line, each the full audit record with seq, prevHash and hash. */
export function auditRecordJsonLine(record: AuditRecord): string {
  const at = record.at instanceof Date ? record.at : new Date(record.at);
  return `${JSON.stringify({ ...record, at: at.toISOString() })}\n`;
}

/**
 * JSON lines to stdout (a log shipper picks them up) or to a file. The file is opened per batch in
 * append mode and fsync'ed before the batch counts as delivered, so a crash cannot lose a line the
 * cursor already passed.
 */
export function createJsonLinesForwarder(options: JsonLinesForwarderOptions): SiemForwarder {
  return {
    name: 'jsonl',
    async send(records) {
      const text = records.map(auditRecordJsonLine).join('');
      if (options.target === 'stdout') {
        const out = options.stdout ?? process.stdout;
        await new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
        return;
      }
      const file = await open(options.target, 'a', 0o600);
      try {
        await file.write(text);
        await file.sync();
      } finally {
        await file.close();
      }
    },
  };
}
