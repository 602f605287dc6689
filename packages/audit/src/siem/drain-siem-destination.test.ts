import type { AuditRecord } from '@keyward/core';
import { buildAuditChain } from '../audit-test-events';
import { createMemorySiemOutbox } from '../testing/memory-siem-outbox';
import { drainSiemDestination } from './drain-siem-destination';
import type { SiemAlert } from './drain-siem-destination';
import type { SiemForwarder } from './siem-forwarder';

function flakyForwarder(): SiemForwarder & { received: number[]; down: boolean; calls: number } {
  const f = {
    name: 'test',
    received: [] as number[],
    down: false,
    calls: 0,
    async send(records: readonly AuditRecord[]) {
      f.calls += 1;
      if (f.down) throw new Error('503 service unavailable');
      f.received.push(...records.map((r) => r.seq));
    },
  };
  return f;
}

describe('drainSiemDestination', () => {
  let clock = new Date('2025-01-01T00:00:00Z');
  const now = (): Date => clock;
  const tick = (ms: number): void => {
    clock = new Date(clock.getTime() + ms);
  };

  it('two overlapping passes with the same owner (one process, a slow send outlasting the schedule) deliver each event once', async () => {
    const outbox = createMemorySiemOutbox(buildAuditChain(6));
    await outbox.register('test', now());
    const received: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: SiemForwarder = {
      name: 'test',
      async send(records) {
        await held;
        received.push(...records.map((r) => r.seq));
      },
    };
    const first = drainSiemDestination({ outbox, forwarder: slow, now, owner: 'host:1:abcd', batchSize: 10, onAlert: async () => undefined });
    const second = await drainSiemDestination({ outbox, forwarder: slow, now, owner: 'host:1:abcd', batchSize: 10, onAlert: async () => undefined });
    expect(second).toEqual({ status: 'leased_elsewhere' });
    release();
    expect(await first).toEqual({ status: 'delivered', delivered: 6, deliveredSeq: 6 });
    expect(received).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('delivers in seq order, batch by batch, and moves the cursor', async () => {
    const outbox = createMemorySiemOutbox(buildAuditChain(7));
    await outbox.register('test', now());
    const forwarder = flakyForwarder();
    const result = await drainSiemDestination({ outbox, forwarder, now, owner: 'a', batchSize: 3, onAlert: async () => undefined });
    expect(result).toEqual({ status: 'delivered', delivered: 7, deliveredSeq: 7 });
    expect(forwarder.received).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(forwarder.calls).toBe(3);
    expect(await outbox.backlog()).toEqual({ test: 0 });
  });

  it('survives a 10-minute outage: nothing skipped, alert while failing, recovered alert, each event once and in order (F17)', async () => {
    const records = buildAuditChain(3);
    const outbox = createMemorySiemOutbox(records);
    await outbox.register('test', now());
    const forwarder = flakyForwarder();
    const alerts: SiemAlert[] = [];
    const options = { outbox, forwarder, now, owner: 'a', batchSize: 2, backoff: { baseMs: 1000, maxMs: 60_000 }, alertAfterMs: 60_000, alertRepeatMs: 5 * 60_000, random: () => 0.5, onAlert: async (a: SiemAlert) => void alerts.push(a) };

    forwarder.down = true;
    const more = buildAuditChain(9).slice(3);
    let appended = 0;
    // Ten minutes compressed: a drain every 15 s; events keep arriving during the outage.
    for (let second = 0; second < 600; second += 15) {
      if (appended < more.length) records.push(more[appended++]!);
      await drainSiemDestination(options);
      tick(15_000);
    }
    expect(forwarder.received).toEqual([]);
    const failing = alerts.filter((a) => a.kind === 'failing');
    expect(failing.length).toBeGreaterThanOrEqual(2); // first after 60 s, repeated after 5 min
    expect(failing.length).toBeLessThanOrEqual(3);
    expect(failing[0]).toMatchObject({ destination: 'test', backlog: expect.any(Number) });
    expect(failing[0]!.backlog).toBeGreaterThan(3);
    expect(outbox.stateOf('test')).toMatchObject({ deliveredSeq: 0, lastError: '503 service unavailable' });
    // Backoff is bounded: it never waits longer than maxMs (+20 % jitter, here 0).
    const state = outbox.stateOf('test')!;
    expect(state.nextAttemptAt!.getTime() - clock.getTime()).toBeLessThanOrEqual(60_000);

    forwarder.down = false;
    tick(60_000);
    const result = await drainSiemDestination(options);
    expect(result).toMatchObject({ status: 'delivered', delivered: 9, deliveredSeq: 9 });
    expect(forwarder.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(alerts.at(-1)).toMatchObject({ kind: 'recovered', destination: 'test', backlog: 0 });
    expect(outbox.stateOf('test')).toMatchObject({ attempts: 0, failingSince: undefined });
  });

  it('stops at the failing batch so a later event never overtakes an earlier one', async () => {
    const outbox = createMemorySiemOutbox(buildAuditChain(6));
    await outbox.register('test', now());
    let calls = 0;
    const received: number[] = [];
    const forwarder: SiemForwarder = {
      name: 'test',
      async send(records) {
        calls += 1;
        if (calls === 2) throw new Error('reset');
        received.push(...records.map((r) => r.seq));
      },
    };
    const result = await drainSiemDestination({ outbox, forwarder, now, owner: 'a', batchSize: 2, onAlert: async () => undefined });
    expect(result).toMatchObject({ status: 'failed', delivered: 2, deliveredSeq: 2, attempts: 1 });
    expect(received).toEqual([1, 2]);
    tick(10 * 60_000);
    await drainSiemDestination({ outbox, forwarder, now, owner: 'a', batchSize: 2, onAlert: async () => undefined });
    expect(received).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('waits out its backoff and does not run while another drainer holds the lease', async () => {
    const outbox = createMemorySiemOutbox(buildAuditChain(2));
    await outbox.register('test', now());
    const forwarder = flakyForwarder();
    forwarder.down = true;
    const first = await drainSiemDestination({ outbox, forwarder, now, owner: 'a', onAlert: async () => undefined, random: () => 0.5 });
    expect(first.status).toBe('failed');
    expect(await drainSiemDestination({ outbox, forwarder, now, owner: 'a', onAlert: async () => undefined })).toMatchObject({ status: 'backing_off' });
    expect(forwarder.calls).toBe(1);

    await outbox.lease('test', 'other', new Date(clock.getTime() + 60_000), clock);
    tick(5000);
    expect(await drainSiemDestination({ outbox, forwarder, now, owner: 'a', onAlert: async () => undefined })).toEqual({ status: 'leased_elsewhere' });
  });

  it('does not raise a recovered alert for a blip nobody was alerted about', async () => {
    const outbox = createMemorySiemOutbox(buildAuditChain(2));
    await outbox.register('test', now());
    const forwarder = flakyForwarder();
    const alerts: SiemAlert[] = [];
    forwarder.down = true;
    await drainSiemDestination({ outbox, forwarder, now, owner: 'a', onAlert: async (a) => void alerts.push(a) });
    forwarder.down = false;
    tick(10_000);
    await drainSiemDestination({ outbox, forwarder, now, owner: 'a', onAlert: async (a) => void alerts.push(a) });
    expect(forwarder.received).toEqual([1, 2]);
    expect(alerts).toEqual([]);
  });
});
