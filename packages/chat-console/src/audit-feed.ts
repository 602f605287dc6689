import type { AuditLog, AuditRecord, Logger } from '@keyward/core';

export interface AuditFeedOptions {
  audit: AuditLog;
  logger: Logger;
  intervalMs: number;
  /** Newest records kept in memory for a page that has just opened. */
  keep: number;
  /** Receives records appended since the previous poll, oldest first. */
  onRecords: (records: AuditRecord[]) => void;
}

export interface AuditFeed {
  /** The newest records (oldest first), after catching up with the log. */
  recent(): Promise<AuditRecord[]>;
  start(): void;
  stop(): void;
}

const PAGE = 500;

/**
 * Follows the audit log by polling `list({ afterSeq })`: the AuditLog port has no change feed, and a
 * half-second delay is fine for a demo page. The first catch-up only fills the window (a page asks for
 * it); afterwards, new records are pushed to `onRecords`.
 */
export function createAuditFeed(options: AuditFeedOptions): AuditFeed {
  const { audit, logger } = options;
  let cursor = 0;
  let initialised = false;
  let window: AuditRecord[] = [];
  let pending: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  async function drain(): Promise<void> {
    const fresh: AuditRecord[] = [];
    for (;;) {
      const page = await audit.list({ afterSeq: cursor, limit: PAGE });
      for (const record of page) {
        // Guards against a store that ignores afterSeq: a record is never shown twice.
        if (record.seq <= cursor) continue;
        cursor = record.seq;
        fresh.push(record);
      }
      if (page.length < PAGE) break;
    }
    if (fresh.length === 0) return;
    window = [...window, ...fresh].slice(-options.keep);
    if (initialised) options.onRecords(fresh.slice(-options.keep));
  }

  /** One catch-up at a time: two concurrent ones would read the same cursor and push duplicates. */
  function catchUp(): Promise<void> {
    pending ??= drain()
      .then(() => {
        initialised = true;
        if (failing) logger.info({}, 'console audit feed recovered');
        failing = false;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    async recent(): Promise<AuditRecord[]> {
      await catchUp();
      return [...window];
    },

    start(): void {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        catchUp().catch((error: unknown) => {
          // Logged once per outage, not every half second.
          if (!failing) logger.warn({ err: error }, 'console audit feed cannot read the audit log');
          failing = true;
        });
      }, options.intervalMs);
      timer.unref();
    },

    stop(): void {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
