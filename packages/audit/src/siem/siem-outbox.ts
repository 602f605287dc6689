import type { AuditRecord } from '@keyward/core';

/** Where one SIEM destination stands: its in-order cursor and its failure streak. */
export interface SiemDeliveryState {
  destination: string;
  /** Every event up to and including this seq has been delivered, in order. */
  deliveredSeq: number;
  /** Consecutive failed sends (0 when healthy). */
  attempts: number;
  nextAttemptAt?: Date;
  failingSince?: Date;
  lastError?: string;
  /** When the last "destination failing" alert went out (alerts repeat, they do not flood). */
  alertedAt?: Date;
}

export type SiemDeliveryUpdate = Pick<SiemDeliveryState, 'attempts'> &
  Partial<Pick<SiemDeliveryState, 'deliveredSeq' | 'lastError'>> & {
    nextAttemptAt: Date | null;
    failingSince: Date | null;
    alertedAt: Date | null;
  };

/**
 * The durable side of SIEM forwarding (implemented by @keyward/store on the audit database). Events
 * enter it in the audit append's own transaction; destinations read it in seq order from their cursor.
 */
export interface SiemOutbox {
  /** Creates the destination's cursor if new: it starts at the oldest event still in the outbox. */
  register(destination: string, now: Date): Promise<void>;
  /**
   * Takes the destination's lease until `until`, or returns undefined while another drainer holds an
   * unexpired one. A lease, not a row lock: no transaction stays open while the network is slow.
   */
  lease(destination: string, owner: string, until: Date, now: Date): Promise<SiemDeliveryState | undefined>;
  /** Events after `afterSeq`, in seq order. */
  pending(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Records progress or failure; ignored (returns false) when `owner` no longer holds the lease. */
  settle(destination: string, owner: string, update: SiemDeliveryUpdate, now: Date): Promise<boolean>;
  release(destination: string, owner: string): Promise<void>;
  /** Events not yet delivered, per registered destination (the backlog metric). */
  backlog(): Promise<Record<string, number>>;
  /** Deletes outbox rows every listed destination has delivered; returns how many went. */
  prune(destinations: readonly string[]): Promise<number>;
  /** Delivery states of every registered destination (doctor, metrics). */
  states(): Promise<SiemDeliveryState[]>;
}
