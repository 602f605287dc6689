import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { drainSiemDestination } from '@keyward/audit';
import type { SiemForwarder } from '@keyward/audit';
import type { AuditEventInput, AuditRecord } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { pruneAuditLog, readAuditCheckpoint } from './audit-retention';
import { exportAuditEvents } from './export-audit-events';
import { listIdpWrites } from './list-idp-writes';
import { createSqlAuditLog } from './sql-audit-log';
import { createSqlSiemOutbox } from './sql-siem-outbox';
import { tamperWithAudit } from './test-databases';
import { verifyStoredAuditChain } from './verify-stored-audit-chain';

/*
 * Issue #6 behaviour of the store, run on PGlite (audit-operations.test.ts) and PostgreSQL
 * (audit-operations.int.test.ts). The database may hold rows from earlier tests: assertions are
 * relative to the head, and destinations have random names.
 */
function event(at: Date, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    requestId: `rq_${randomUUID()}`,
    at,
    type: 'request.succeeded',
    state: 'succeeded',
    channel: { surface: 'slack', channelId: 'D1', threadId: '1.2' },
    requester: { chatUserId: 'U1', idpUserId: '00u1' },
    target: { idpUserId: '00u1' },
    action: 'password_reset',
    agent: { name: 'keyward', version: '0.1.0', intent: 'password_reset', confidence: 0.9, evidence: ['forgot'] },
    verification: { factor: 'push', result: 'approved' },
    policy: { version: '1', hash: 'ph', rule: 'self-reset', decision: 'allow' },
    outcome: 'reset link issued',
    idpRequestId: 'XmfPUmFb8JeA1cz1rUC1CAAAAA8',
    ...overrides,
  };
}

async function headSeq(db: Kysely<KeywardDatabase>): Promise<number> {
  const head = await db.selectFrom('audit_head').select('last_seq').executeTakeFirstOrThrow();
  return Number(head.last_seq);
}

function recordingForwarder(name: string): SiemForwarder & { seqs: number[]; fail: boolean } {
  const f = {
    name,
    seqs: [] as number[],
    fail: false,
    async send(records: readonly AuditRecord[]) {
      if (f.fail) throw new Error('503');
      f.seqs.push(...records.map((r) => r.seq));
    },
  };
  return f;
}

export function describeAuditOperationsContract(getDb: () => Kysely<KeywardDatabase>): void {
  describe('SIEM outbox', () => {
    it('queues each event in the same transaction as the append', async () => {
      const db = getDb();
      const audit = createSqlAuditLog(db, { siemOutbox: true });
      const record = await audit.append(event(new Date('2025-06-01T10:00:00Z')));
      const row = await db.selectFrom('siem_outbox').selectAll().where('seq', '=', record.seq).executeTakeFirstOrThrow();
      expect(row.payload).toMatchObject({ seq: record.seq, hash: record.hash, prevHash: record.prevHash, requestId: record.requestId });
    });

    it('rolls the append back when the outbox write fails: never in the log without being queued', async () => {
      const db = getDb();
      const before = await headSeq(db);
      // Occupy the outbox slot the next append needs.
      await db.insertInto('siem_outbox').values({ seq: before + 1, payload: '{}', enqueued_at: new Date() }).execute();
      await expect(createSqlAuditLog(db, { siemOutbox: true }).append(event(new Date()))).rejects.toThrow();
      expect(await headSeq(db)).toBe(before);
      expect(await db.selectFrom('audit_events').select('seq').where('seq', '=', before + 1).executeTakeFirst()).toBeUndefined();
      await db.deleteFrom('siem_outbox').where('seq', '=', before + 1).execute();
      expect((await verifyStoredAuditChain(db)).ok).toBe(true);
    });

    it('does not queue anything when SIEM forwarding is off', async () => {
      const db = getDb();
      const record = await createSqlAuditLog(db).append(event(new Date()));
      expect(await db.selectFrom('siem_outbox').select('seq').where('seq', '=', record.seq).executeTakeFirst()).toBeUndefined();
    });

    it('drains in order per destination, keeps a cursor each, reports backlog and prunes what all received', async () => {
      const db = getDb();
      const outbox = createSqlSiemOutbox(db);
      const a = recordingForwarder(`a_${randomUUID()}`);
      const b = recordingForwarder(`b_${randomUUID()}`);
      const now = new Date('2025-06-01T12:00:00Z');
      await outbox.register(a.name, now);
      await outbox.register(b.name, now);
      const audit = createSqlAuditLog(db, { siemOutbox: true });
      const appended: number[] = [];
      for (let i = 0; i < 5; i += 1) appended.push((await audit.append(event(new Date(now.getTime() + i)))).seq);

      const backlogBefore = await outbox.backlog();
      expect(backlogBefore[a.name]).toBeGreaterThanOrEqual(5);
      b.fail = true;
      await drainSiemDestination({ outbox, forwarder: a, now: () => now, owner: 'w1', batchSize: 2, onAlert: async () => undefined });
      await drainSiemDestination({ outbox, forwarder: b, now: () => now, owner: 'w1', batchSize: 2, onAlert: async () => undefined });
      expect(a.seqs.slice(-5)).toEqual(appended);
      expect(a.seqs).toEqual([...a.seqs].sort((x, y) => x - y));
      expect(b.seqs).toEqual([]);
      const backlog = await outbox.backlog();
      expect(backlog[a.name]).toBe(0);
      expect(backlog[b.name]).toBe(backlogBefore[b.name]);
      const state = (await outbox.states()).find((s) => s.destination === b.name);
      expect(state).toMatchObject({ attempts: 1, lastError: '503' });

      // Nothing b still needs is pruned; once b caught up, the rows go.
      expect(await outbox.prune([a.name, b.name])).toBe(0);
      expect(await db.selectFrom('siem_outbox').select('seq').where('seq', 'in', appended).execute()).toHaveLength(5);
      b.fail = false;
      const later = new Date(now.getTime() + 60 * 60_000);
      await drainSiemDestination({ outbox, forwarder: b, now: () => later, owner: 'w1', batchSize: 2, onAlert: async () => undefined });
      expect(b.seqs.slice(-5)).toEqual(appended);
      expect(await outbox.prune([a.name, b.name])).toBeGreaterThanOrEqual(5);
      expect(await db.selectFrom('siem_outbox').select('seq').where('seq', 'in', appended).execute()).toHaveLength(0);
      await db.deleteFrom('siem_delivery').where('destination', 'in', [a.name, b.name]).execute();
    });

    it('lets one drainer at a time hold a destination, and ignores a settle from a drainer that lost its lease', async () => {
      const db = getDb();
      const outbox = createSqlSiemOutbox(db);
      const name = `lease_${randomUUID()}`;
      const now = new Date('2025-06-01T12:00:00Z');
      await outbox.register(name, now);
      expect(await outbox.lease(name, 'w1', new Date(now.getTime() + 60_000), now)).toBeDefined();
      expect(await outbox.lease(name, 'w2', new Date(now.getTime() + 60_000), now)).toBeUndefined();
      const expired = new Date(now.getTime() + 61_000);
      expect(await outbox.lease(name, 'w2', new Date(expired.getTime() + 60_000), expired)).toBeDefined();
      expect(await outbox.settle(name, 'w1', { deliveredSeq: 999_999, attempts: 0, nextAttemptAt: null, failingSince: null, alertedAt: null }, expired)).toBe(false);
      expect((await outbox.states()).find((s) => s.destination === name)?.deliveredSeq).not.toBe(999_999);
      await db.deleteFrom('siem_delivery').where('destination', '=', name).execute();
    });
  });

  describe('IdP writes (anomaly watch input)', () => {
    it('lists each acknowledged write once, by IdP request id, within the range', async () => {
      const db = getDb();
      const audit = createSqlAuditLog(db);
      const base = new Date('2032-03-03T10:00:00Z');
      const id = randomUUID();
      await audit.append(event(base, { idpRequestId: `a-${id}`, action: 'account_unlock' }));
      await audit.append(event(new Date(base.getTime() + 1000), { type: 'request.secret_delivered', idpRequestId: `a-${id}`, action: 'account_unlock' }));
      await audit.append(event(new Date(base.getTime() + 2000), { idpRequestId: undefined, type: 'request.understood' }));
      await audit.append(event(new Date(base.getTime() + 3000), { idpRequestId: `b-${id}`, action: 'session_revoke' }));
      await audit.append(event(new Date(base.getTime() + 3_600_000), { idpRequestId: `c-${id}`, action: 'session_revoke' }));
      const writes = await listIdpWrites(db, { since: base, until: new Date(base.getTime() + 60_000) });
      expect(writes.map((w) => [w.action, w.idpRequestId])).toEqual([['account_unlock', `a-${id}`], ['session_revoke', `b-${id}`]]);
    });
  });

  describe('export', () => {
    it('exports a time range in seq order with seq, prevHash and hash', async () => {
      const db = getDb();
      const audit = createSqlAuditLog(db);
      const base = new Date('2031-02-03T00:00:00Z');
      const seqs: number[] = [];
      for (let i = 0; i < 4; i += 1) seqs.push((await audit.append(event(new Date(base.getTime() + i * 60_000)))).seq);
      const out: AuditRecord[] = [];
      for await (const record of exportAuditEvents(db, { since: new Date(base.getTime() + 60_000), until: new Date(base.getTime() + 3 * 60_000), pageSize: 1 })) out.push(record);
      expect(out.map((r) => r.seq)).toEqual(seqs.slice(1, 3));
      expect(out[0]).toMatchObject({ prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: new Date(base.getTime() + 60_000) });
    });
  });

  describe('retention', () => {
    it('refuses a DELETE outside retention, and one above the checkpoint even inside it', async () => {
      const db = getDb();
      const record = await createSqlAuditLog(db).append(event(new Date()));
      await expect(sql`delete from audit_events where seq = ${record.seq}`.execute(db)).rejects.toThrow(/append-only/);
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`set local keyward.audit_retention = 'on'`.execute(trx);
          await sql`delete from audit_events where seq = ${record.seq}`.execute(trx);
        }),
      ).rejects.toThrow(/append-only/);
    });

    it('refuses to move the checkpoint backwards or onto a row that does not exist', async () => {
      const db = getDb();
      await expect(sql`update audit_checkpoint set seq = 999999999, hash = 'forged'`.execute(db)).rejects.toThrow(/audit_checkpoint/);
      await expect(sql`delete from audit_checkpoint`.execute(db)).rejects.toThrow(/audit_checkpoint/);
    });

    it('prunes old rows, records the checkpoint, and the chain still verifies from there', async () => {
      const db = getDb();
      const audit = createSqlAuditLog(db);
      const base = new Date('2035-01-01T00:00:00Z');
      const records: AuditRecord[] = [];
      for (let i = 0; i < 6; i += 1) records.push(await audit.append(event(new Date(base.getTime() + i * 1000))));
      const archived: number[] = [];
      const result = await pruneAuditLog(db, { before: new Date(base.getTime() + 3000), now: base, keepUndeliveredSiem: false, batchSize: 2, archive: async (rows) => void archived.push(...rows.map((r) => r.seq)) });
      expect(result.checkpoint).toEqual({ seq: records[2]!.seq, hash: records[2]!.hash });
      expect(archived.slice(-3)).toEqual(records.slice(0, 3).map((r) => r.seq));
      expect(await db.selectFrom('audit_events').select('seq').where('seq', '<=', records[2]!.seq).execute()).toEqual([]);
      const verified = await verifyStoredAuditChain(db);
      expect(verified).toMatchObject({ ok: true, lastSeq: await headSeq(db) });
      expect((await readAuditCheckpoint(db)).removed).toBeGreaterThanOrEqual(3);

      // Removing the next row by hand (triggers off, as an owner could) breaks the chain at that row.
      await tamperWithAudit(db, (trx) => sql`delete from audit_events where seq = ${records[3]!.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: records[3]!.seq, reason: 'seq_gap' });
      await tamperWithAudit(db, async (trx) => {
        const original = records[3]!;
        const { seq, prevHash, hash, ...body } = original;
        await trx.insertInto('audit_events').values({ seq, request_id: original.requestId, at: original.at, type: original.type, body: JSON.stringify({ ...body, at: original.at.toISOString() }), prev_hash: prevHash, hash }).execute();
      });
      expect((await verifyStoredAuditChain(db)).ok).toBe(true);
    });

    it('never prunes the head row nor what a SIEM destination has not received', async () => {
      const db = getDb();
      const outbox = createSqlSiemOutbox(db);
      const name = `floor_${randomUUID()}`;
      const audit = createSqlAuditLog(db, { siemOutbox: true });
      const base = new Date('2036-01-01T00:00:00Z');
      // An empty outbox: the destination's cursor starts at the head, i.e. after this first event.
      await db.deleteFrom('siem_outbox').execute();
      await createSqlAuditLog(db).append(event(base));
      await outbox.register(name, base);
      const waiting = await audit.append(event(new Date(base.getTime() + 1000)));
      const head = await audit.append(event(new Date(base.getTime() + 2000)));
      await pruneAuditLog(db, { before: new Date('2100-01-01T00:00:00Z'), now: base });
      const left = await db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
      expect(left.map((r) => Number(r.seq))).toEqual([waiting.seq, head.seq]);
      await db.deleteFrom('siem_delivery').where('destination', '=', name).execute();
      await pruneAuditLog(db, { before: new Date('2100-01-01T00:00:00Z'), now: base });
      expect((await db.selectFrom('audit_events').select('seq').execute()).map((r) => Number(r.seq))).toEqual([head.seq]);
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true, count: 1, lastSeq: head.seq });
      // And appending after a full prune still links to the head.
      await audit.append(event(new Date()));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true, count: 2 });
    });
  });
}
