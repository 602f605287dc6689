import { randomBytes } from 'node:crypto';
import type { SiemForwarder } from './siem-forwarder';
import type { SiemDeliveryState, SiemOutbox } from './siem-outbox';
import { siemBackoffMs } from './siem-backoff';

/** What an operator is told about a destination (security channel + error log). */
export interface SiemAlert {
  kind: 'failing' | 'recovered';
  destination: string;
  failingSince: Date;
  attempts: number;
  lastError?: string;
  /** Events waiting for this destination when the alert was raised. */
  backlog: number;
}

export interface SiemDrainOptions {
  outbox: SiemOutbox;
  forwarder: SiemForwarder;
  now: () => Date;
  /**
   * Identifies this drainer in the lease (host:pid:random). Each pass adds its own nonce, so two
   * overlapping passes of one process (a slow send outlasting the schedule) exclude each other too.
   */
  owner: string;
  batchSize?: number;
  /** Longest a drain may hold the destination; also bounds how long one call runs. Default 60 s. */
  leaseMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Alert once the destination has been failing this long (default 60 s) … */
  alertAfterMs?: number;
  /** … and repeat the alert this often while it keeps failing (default 30 min). */
  alertRepeatMs?: number;
  onAlert: (alert: SiemAlert) => Promise<void>;
  random?: () => number;
}

export type SiemDrainResult =
  | { status: 'leased_elsewhere' }
  | { status: 'backing_off'; nextAttemptAt: Date }
  | { status: 'idle' | 'delivered'; delivered: number; deliveredSeq: number }
  | { status: 'failed'; delivered: number; deliveredSeq: number; attempts: number; nextAttemptAt: Date; error: string };

const DEFAULTS = { batchSize: 100, leaseMs: 60_000, backoff: { baseMs: 1000, maxMs: 5 * 60_000 }, alertAfterMs: 60_000, alertRepeatMs: 30 * 60_000 };

/**
 * One drain pass for one destination: take the lease, send the outbox after the cursor in seq order,
 * batch by batch, and move the cursor only after a batch was accepted. On the first failure stop
 * (a later event must never overtake an earlier one), remember the failure streak, schedule the next
 * attempt with backoff, and alert once the outage has lasted `alertAfterMs`. When a failing destination
 * accepts again, a "recovered" alert closes the incident.
 */
export async function drainSiemDestination(options: SiemDrainOptions): Promise<SiemDrainResult> {
  const { outbox, forwarder } = options;
  const owner = `${options.owner}#${randomBytes(4).toString('hex')}`;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const alertAfterMs = options.alertAfterMs ?? DEFAULTS.alertAfterMs;
  const alertRepeatMs = options.alertRepeatMs ?? DEFAULTS.alertRepeatMs;
  const destination = forwarder.name;

  const startedAt = options.now();
  const state = await outbox.lease(destination, owner, new Date(startedAt.getTime() + leaseMs), startedAt);
  if (!state) return { status: 'leased_elsewhere' };
  try {
    if (state.nextAttemptAt && state.nextAttemptAt.getTime() > startedAt.getTime()) {
      return { status: 'backing_off', nextAttemptAt: state.nextAttemptAt };
    }
    let delivered = 0;
    let cursor = state.deliveredSeq;
    let recovered: SiemAlert | undefined;
    // Stop well before the lease ends so a settle never lands after another drainer took over.
    const deadline = startedAt.getTime() + leaseMs / 2;
    while (options.now().getTime() < deadline) {
      const batch = await outbox.pending(cursor, batchSize);
      if (batch.length === 0) break;
      try {
        await forwarder.send(batch);
      } catch (error) {
        return await recordFailure({ ...options, owner }, state, { cursor, delivered, error, backoff, alertAfterMs, alertRepeatMs });
      }
      cursor = batch[batch.length - 1]!.seq;
      delivered += batch.length;
      // Only an outage someone was alerted about gets a "recovered" message; a single blip stays quiet.
      if (state.attempts > 0 && state.alertedAt !== undefined) {
        recovered = { kind: 'recovered', destination, failingSince: state.failingSince ?? startedAt, attempts: state.attempts, lastError: state.lastError, backlog: 0 };
      }
      await outbox.settle(destination, owner, { deliveredSeq: cursor, attempts: 0, nextAttemptAt: null, failingSince: null, alertedAt: null, lastError: undefined }, options.now());
      state.attempts = 0;
      state.failingSince = undefined;
      state.alertedAt = undefined;
      if (batch.length < batchSize) break;
    }
    // Sent once the backlog is worked off (or the pass ended), with what is still waiting.
    if (recovered) await options.onAlert({ ...recovered, backlog: await backlogOf(outbox, destination) });
    return { status: delivered > 0 ? 'delivered' : 'idle', delivered, deliveredSeq: cursor };
  } finally {
    await outbox.release(destination, owner);
  }
}

async function recordFailure(
  options: SiemDrainOptions,
  state: SiemDeliveryState,
  context: { cursor: number; delivered: number; error: unknown; backoff: { baseMs: number; maxMs: number }; alertAfterMs: number; alertRepeatMs: number },
): Promise<SiemDrainResult> {
  const { outbox, forwarder, owner } = options;
  const now = options.now();
  const attempts = state.attempts + 1;
  const failingSince = state.failingSince ?? now;
  const nextAttemptAt = new Date(now.getTime() + siemBackoffMs(attempts, context.backoff, options.random));
  const lastError = describe(context.error);
  const outageMs = now.getTime() - failingSince.getTime();
  const dueForAlert = outageMs >= context.alertAfterMs && (!state.alertedAt || now.getTime() - state.alertedAt.getTime() >= context.alertRepeatMs);
  const alertedAt = dueForAlert ? now : (state.alertedAt ?? null);
  await outbox.settle(forwarder.name, owner, { deliveredSeq: context.cursor, attempts, nextAttemptAt, failingSince, alertedAt, lastError }, now);
  if (dueForAlert) {
    await options.onAlert({ kind: 'failing', destination: forwarder.name, failingSince, attempts, lastError, backlog: await backlogOf(outbox, forwarder.name) });
  }
  return { status: 'failed', delivered: context.delivered, deliveredSeq: context.cursor, attempts, nextAttemptAt, error: lastError };
}

async function backlogOf(outbox: SiemOutbox, destination: string): Promise<number> {
  return (await outbox.backlog())[destination] ?? 0;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Bounded: the error is stored and shown in alerts; a receiver's HTML error page is not useful there.
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
