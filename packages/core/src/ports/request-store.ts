import type { ServiceRequest } from '../domain/request';

export interface RequestStore {
  create(request: ServiceRequest): Promise<void>;
  get(id: string): Promise<ServiceRequest | undefined>;
  /**
   * Compare-and-swap: writes `next` only if the stored version is `next.version - 1`.
   * Returns false when someone else changed it first (the caller re-reads and decides again).
   */
  save(next: ServiceRequest): Promise<boolean>;
  /** Newest first. */
  listByRequester(chatUserId: string, options?: { limit?: number; openOnly?: boolean }): Promise<ServiceRequest[]>;
  /**
   * Records an inbound platform event id once. Returns true the first time, false for a redelivery.
   * Durable (database), so a redelivery after a restart is still recognised.
   */
  claimInboundEvent(key: string, at: Date): Promise<boolean>;
}
