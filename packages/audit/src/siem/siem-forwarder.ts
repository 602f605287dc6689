import type { AuditRecord } from '@keyward/core';

/**
 * One SIEM destination. `send` delivers the batch in order or throws; a throw means "nothing of this
 * batch is known to be delivered" and the whole batch is sent again later (at-least-once — receivers
 * deduplicate by `seq`/`hash`, which every format carries).
 */
export interface SiemForwarder {
  /** Stable id, used as the cursor key: `jsonl`, `splunk`, `syslog`, `webhook`. */
  readonly name: string;
  send(records: readonly AuditRecord[]): Promise<void>;
  close?(): Promise<void>;
}

/** A destination answered but refused, or could not be reached. Message is safe to log (no secrets). */
export class SiemDeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SiemDeliveryError';
  }
}
