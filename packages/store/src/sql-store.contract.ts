import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { AUDIT_GENESIS_HASH } from '@keyward/audit';
import { AppError } from '@keyward/core';
import type { AuditEventInput, RequestState, ServiceRequest } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';
import { createSqlAuditLog } from './sql-audit-log';
import { createSqlRequestStore } from './sql-request-store';
import { createSqlSecretVault } from './sql-secret-vault';
import { tamperWithAudit } from './test-databases';
import { verifyStoredAuditChain } from './verify-stored-audit-chain';

/*
 * One suite, run against PGlite (sql-store.test.ts) and PostgreSQL (sql-store.int.test.ts): the same
 * SQL must behave the same on both engines. Tests do not assume an empty database (PGlite is shared
 * per file for speed): ids are random and audit assertions are relative to the current head.
 */

export function sampleRequest(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  const at = new Date('2025-03-01T10:00:00.000Z').toISOString();
  return {
    id: randomUUID(),
    version: 1,
    state: 'received',
    createdAt: at,
    updatedAt: at,
    sourceEventId: `console:${randomUUID()}`,
    conversation: { surface: 'console', channelId: 'D1', threadId: 't1' },
    requester: { chatUserId: `U-${randomUUID()}`, idpUserId: 'okta-1' },
    params: {},
    text: 'I forgot my password',
    messages: {},
    approvals: [],
    ...overrides,
  };
}

export function sampleAuditEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    requestId: randomUUID(),
    at: new Date('2025-03-01T10:00:00.123Z'),
    type: 'request.understood',
    state: 'understood',
    channel: { surface: 'console', channelId: 'D1', threadId: 't1' },
    requester: { chatUserId: 'U1', idpUserId: 'okta-1' },
    action: 'password_reset',
    params: { note: 'ok' },
    agent: { name: 'offline', version: '1.0.0', intent: 'password_reset', confidence: 0.93, evidence: ['forgot my password'] },
    policy: { hash: 'abc', rule: 'self-reset', decision: 'allow' },
    ...overrides,
  };
}

function advance(request: ServiceRequest, state: RequestState, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { ...request, ...extra, state, version: request.version + 1, updatedAt: new Date(Date.parse(request.updatedAt) + 1000).toISOString() };
}

async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

export function describeSqlStoreContract(getDb: () => Kysely<KeywardDatabase>): void {
  describe('SqlRequestStore', () => {
    it('creates and reads back a request unchanged', async () => {
      const store = createSqlRequestStore(getDb());
      const request = sampleRequest({ params: { compromiseSuspected: true }, messages: { status: { conversation: { surface: 'console', channelId: 'D1' }, messageId: 'm1' } } });
      await store.create(request);
      expect(await store.get(request.id)).toEqual(request);
      expect(await store.get(randomUUID())).toBeUndefined();
    });

    it('refuses to create the same request id twice', async () => {
      const store = createSqlRequestStore(getDb());
      const request = sampleRequest();
      await store.create(request);
      await expectAppError(store.create({ ...request, state: 'understood' }), 'request.version_conflict');
      expect((await store.get(request.id))?.state).toBe('received');
    });

    it('lets exactly one of two saves from the same version win (compare-and-swap)', async () => {
      const store = createSqlRequestStore(getDb());
      const request = sampleRequest();
      await store.create(request);
      const a = advance(request, 'understood', { intent: 'password_reset' });
      const b = advance(request, 'refused');
      const results = await Promise.all([store.save(a), store.save(b)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = await store.get(request.id);
      expect(stored?.version).toBe(2);
      expect(stored).toEqual(results[0] ? a : b);
    });

    it('refuses a save whose version is stale or skips ahead', async () => {
      const store = createSqlRequestStore(getDb());
      const request = sampleRequest();
      await store.create(request);
      const v2 = advance(request, 'understood');
      expect(await store.save(v2)).toBe(true);
      expect(await store.save(advance(request, 'clarifying'))).toBe(false);
      expect(await store.save({ ...advance(v2, 'decided'), version: 9 })).toBe(false);
      expect((await store.get(request.id))?.state).toBe('understood');
    });

    it('never flips a terminal state, but lets a terminal request record its bookkeeping', async () => {
      const store = createSqlRequestStore(getDb());
      const request = sampleRequest();
      await store.create(request);
      const done = advance(request, 'succeeded', { outcome: { secretPending: true } });
      expect(await store.save(done)).toBe(true);
      expect(await store.save(advance(done, 'executing'))).toBe(false);
      expect(await store.save(advance(done, 'failed'))).toBe(false);
      const bookkeeping = advance(done, 'succeeded', { outcome: { secretPending: false }, messages: { result: { conversation: { surface: 'console', channelId: 'D1' }, messageId: 'm9' } } });
      expect(await store.save(bookkeeping)).toBe(true);
      expect(await store.get(request.id)).toEqual(bookkeeping);
    });

    it('lists a requester newest first, open ones only when asked, within the limit', async () => {
      const store = createSqlRequestStore(getDb());
      const chatUserId = `U-${randomUUID()}`;
      const make = (minute: number, state: RequestState): ServiceRequest => {
        const at = new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();
        return sampleRequest({ requester: { chatUserId }, createdAt: at, updatedAt: at, state });
      };
      const oldest = make(1, 'received');
      const middle = make(2, 'succeeded');
      const newest = make(3, 'awaiting_approval');
      for (const request of [middle, oldest, newest, sampleRequest()]) await store.create(request);
      expect((await store.listByRequester(chatUserId)).map((r) => r.id)).toEqual([newest.id, middle.id, oldest.id]);
      expect((await store.listByRequester(chatUserId, { openOnly: true })).map((r) => r.id)).toEqual([newest.id, oldest.id]);
      expect((await store.listByRequester(chatUserId, { limit: 1 })).map((r) => r.id)).toEqual([newest.id]);
      expect(await store.listByRequester(`U-${randomUUID()}`)).toEqual([]);
    });

    it('claims an inbound event once, also when deliveries race', async () => {
      const store = createSqlRequestStore(getDb());
      const key = `slack:Ev${randomUUID()}`;
      expect(await store.claimInboundEvent(key, new Date())).toBe(true);
      expect(await store.claimInboundEvent(key, new Date())).toBe(false);
      const raced = `slack:Ev${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimInboundEvent(raced, new Date())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('SqlSecretVault', () => {
    const key = randomBytes(32);
    const now = new Date('2025-03-01T10:00:00.000Z');
    const later = new Date('2025-03-01T10:15:00.000Z');
    const secret = 'https://acme.okta.com/signin/reset-password/XE6wE17zmphl3KqAPFxO';

    it('refuses a key that is not 32 bytes', () => {
      expect(() => createSqlSecretVault(getDb(), { key: randomBytes(16) })).toThrow(expect.objectContaining({ code: 'config.invalid' }));
    });

    it('returns the secret once to its owner, then secret.not_found', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      expect(await vault.take(requestId, 'U1', now)).toBe(secret);
      await expectAppError(vault.take(requestId, 'U1', now), 'secret.not_found');
      await expectAppError(vault.take(randomUUID(), 'U1', now), 'secret.not_found');
    });

    it('gives a secret to only one of two simultaneous opens', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      const results = await Promise.allSettled([vault.take(requestId, 'U1', now), vault.take(requestId, 'U1', now)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.objectContaining({ code: 'secret.not_found' }) });
    });

    it('refuses someone else than the owner and leaves the secret in place', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      await expectAppError(vault.take(requestId, 'U-intruder', now), 'secret.forbidden');
      expect(await vault.take(requestId, 'U1', now)).toBe(secret);
    });

    it('treats an expired secret as not found and deletes it', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      await expectAppError(vault.take(requestId, 'U1', later), 'secret.not_found');
      await expectAppError(vault.take(requestId, 'U-intruder', new Date(later.getTime() + 1)), 'secret.not_found');
      const left = await getDb().selectFrom('secrets').select('request_id').where('request_id', '=', requestId).execute();
      expect(left).toEqual([]);
    });

    it('keeps only the newest secret when a retried worker puts again', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, 'first', { ownerChatUserId: 'U1', expiresAt: later });
      await vault.put(requestId, 'second', { ownerChatUserId: 'U1', expiresAt: later });
      expect(await vault.take(requestId, 'U1', now)).toBe('second');
    });

    it('stores only ciphertext: the plaintext appears nowhere in the row', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      const row = await getDb().selectFrom('secrets').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
      const stored = Buffer.concat([Buffer.from(row.ciphertext), Buffer.from(row.iv), Buffer.from(row.auth_tag)]);
      expect(stored.includes(Buffer.from(secret))).toBe(false);
      expect(stored.includes(Buffer.from('XE6wE17zmphl3KqAPFxO'))).toBe(false);
      expect(Buffer.from(row.ciphertext)).toHaveLength(Buffer.byteLength(secret));
      const text = await sql<{ t: string }>`select row_to_json(s)::text as t from secrets s where request_id = ${requestId}`.execute(getDb());
      expect(text.rows[0]?.t).not.toContain('XE6wE17');
    });

    it('fails to open a secret whose ciphertext was altered by one bit', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const requestId = randomUUID();
      await vault.put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      const row = await getDb().selectFrom('secrets').select('ciphertext').where('request_id', '=', requestId).executeTakeFirstOrThrow();
      const flipped = Buffer.from(row.ciphertext);
      flipped[0] = (flipped[0] ?? 0) ^ 0x01;
      await getDb().updateTable('secrets').set({ ciphertext: flipped }).where('request_id', '=', requestId).execute();
      await expectAppError(vault.take(requestId, 'U1', now), 'internal');
    });

    it('fails to open a ciphertext moved onto another request or owner (bound as GCM associated data)', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const [victim, attacker] = [randomUUID(), randomUUID()];
      await vault.put(victim, secret, { ownerChatUserId: 'U1', expiresAt: later });
      await vault.put(attacker, 'mine', { ownerChatUserId: 'U2', expiresAt: later });
      const stolen = await getDb().selectFrom('secrets').select(['ciphertext', 'iv', 'auth_tag']).where('request_id', '=', victim).executeTakeFirstOrThrow();
      await getDb()
        .updateTable('secrets')
        .set({ ciphertext: Buffer.from(stolen.ciphertext), iv: Buffer.from(stolen.iv), auth_tag: Buffer.from(stolen.auth_tag) })
        .where('request_id', '=', attacker)
        .execute();
      await expectAppError(vault.take(attacker, 'U2', now), 'internal');
      await getDb().updateTable('secrets').set({ owner_chat_user_id: 'U2' }).where('request_id', '=', victim).execute();
      await expectAppError(vault.take(victim, 'U2', now), 'internal');
    });

    it('fails to open a secret with another key', async () => {
      const requestId = randomUUID();
      await createSqlSecretVault(getDb(), { key }).put(requestId, secret, { ownerChatUserId: 'U1', expiresAt: later });
      await expectAppError(createSqlSecretVault(getDb(), { key: randomBytes(32) }).take(requestId, 'U1', now), 'internal');
    });

    it('purges expired secrets only', async () => {
      const vault = createSqlSecretVault(getDb(), { key });
      const far = new Date('2100-01-01T00:00:00.000Z');
      const [expired, live] = [randomUUID(), randomUUID()];
      await vault.put(expired, 'a', { ownerChatUserId: 'U1', expiresAt: new Date('2000-01-01T00:00:00.000Z') });
      await vault.put(live, 'b', { ownerChatUserId: 'U1', expiresAt: far });
      expect(await vault.purgeExpired(now)).toBeGreaterThanOrEqual(1);
      await expectAppError(vault.take(expired, 'U1', new Date('1999-01-01T00:00:00.000Z')), 'secret.not_found');
      expect(await vault.take(live, 'U1', now)).toBe('b');
    });
  });

  describe('SqlAuditLog', () => {
    it('appends linked records and lists them by request and position', async () => {
      const log = createSqlAuditLog(getDb());
      const requestId = randomUUID();
      const first = await log.append(sampleAuditEvent({ requestId }));
      const other = await log.append(sampleAuditEvent());
      const second = await log.append(sampleAuditEvent({ requestId, type: 'stepup.started', at: new Date('2025-03-01T10:00:01.000Z') }));
      expect(other.seq).toBe(first.seq + 1);
      expect(other.prevHash).toBe(first.hash);
      expect(second.prevHash).toBe(other.hash);
      expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await log.list({ requestId })).toEqual([first, second]);
      expect(await log.list({ requestId, afterSeq: first.seq })).toEqual([second]);
      expect(await log.list({ afterSeq: first.seq, limit: 1 })).toEqual([other]);
      expect(first).toMatchObject({ requestId, type: 'request.understood', at: new Date('2025-03-01T10:00:00.123Z') });
    });

    it('starts the chain at the genesis hash', async () => {
      const [first] = await createSqlAuditLog(getDb()).list({ limit: 1 });
      await createSqlAuditLog(getDb()).append(sampleAuditEvent());
      const [genesis] = await createSqlAuditLog(getDb()).list({ limit: 1 });
      expect(genesis?.prevHash).toBe(AUDIT_GENESIS_HASH);
      expect(genesis?.seq).toBe(1);
      if (first) expect(genesis).toEqual(first);
    });

    it('keeps secrets out of the audit log even when the caller forgot to redact', async () => {
      const log = createSqlAuditLog(getDb());
      const record = await log.append(
        sampleAuditEvent({
          params: { group: 'design', tempPassword: 'Tmp-Secret-1', resetPasswordUrl: 'https://acme.okta.com/signin/reset-password/XE6wE17' },
          details: { link: 'https://acme.okta.com/signin/reset-password/XE6wE17' },
          outcome: 'sent https://acme.okta.com/signin/reset-password/XE6wE17',
        }),
      );
      expect(record.params).toEqual({ group: 'design', tempPassword: '[REDACTED]', resetPasswordUrl: '[REDACTED]' });
      const raw = await getDb().selectFrom('audit_events').select(sql<string>`body::text`.as('text')).where('seq', '=', record.seq).executeTakeFirstOrThrow();
      expect(raw.text).not.toMatch(/Tmp-Secret-1|XE6wE17/);
      expect(await verifyStoredAuditChain(getDb())).toMatchObject({ ok: true });
    });

    it('keeps one unbroken chain under 50 concurrent appends', async () => {
      const log = createSqlAuditLog(getDb());
      const before = await verifyStoredAuditChain(getDb());
      const records = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(sampleAuditEvent({ details: { i } }))));
      const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
      const start = before.ok ? before.lastSeq : 0;
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => start + i + 1));
      expect(await verifyStoredAuditChain(getDb(), { pageSize: 7 })).toMatchObject({ ok: true, lastSeq: start + 50 });
    });

    it('rejects UPDATE, DELETE and TRUNCATE of audit rows in the database itself', async () => {
      const db = getDb();
      const record = await createSqlAuditLog(db).append(sampleAuditEvent());
      await expect(sql`update audit_events set type = 'x' where seq = ${record.seq}`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_events where seq = ${record.seq}`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`update audit_head set last_seq = 0`.execute(db)).rejects.toThrow(/audit_head/);
      await expect(sql`delete from audit_head`.execute(db)).rejects.toThrow(/audit_head/);
      expect((await createSqlAuditLog(db).list({ afterSeq: record.seq - 1, limit: 1 }))[0]).toEqual(record);
    });

    it('verify reports the first tampered row, and passes again once it is restored', async () => {
      const db = getDb();
      const log = createSqlAuditLog(db);
      const target = await log.append(sampleAuditEvent({ outcome: 'refused' }));
      await log.append(sampleAuditEvent());
      const original = await db.selectFrom('audit_events').select(sql<string>`body::text`.as('text')).where('seq', '=', target.seq).executeTakeFirstOrThrow();

      await tamperWithAudit(db, (trx) => sql`update audit_events set body = jsonb_set(body, '{outcome}', '"succeeded"') where seq = ${target.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: target.seq, reason: 'hash_mismatch' });

      await tamperWithAudit(db, (trx) => sql`update audit_events set body = ${original.text}::jsonb where seq = ${target.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true });

      await tamperWithAudit(db, (trx) => sql`update audit_events set hash = repeat('a', 64) where seq = ${target.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: target.seq, reason: 'hash_mismatch' });
      await tamperWithAudit(db, (trx) => sql`update audit_events set hash = ${target.hash} where seq = ${target.seq}`.execute(trx).then(() => undefined));

      await tamperWithAudit(db, (trx) => sql`update audit_events set request_id = 'elsewhere' where seq = ${target.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: target.seq, reason: 'row_mismatch' });
      await tamperWithAudit(db, (trx) => sql`update audit_events set request_id = ${target.requestId} where seq = ${target.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true });
    });

    it('verify reports a deleted row and rows cut off the end', async () => {
      const db = getDb();
      const log = createSqlAuditLog(db);
      const middle = await log.append(sampleAuditEvent());
      const last = await log.append(sampleAuditEvent());
      const saved = await db.selectFrom('audit_events').selectAll().where('seq', 'in', [middle.seq, last.seq]).orderBy('seq').execute();

      await tamperWithAudit(db, (trx) => sql`delete from audit_events where seq = ${middle.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: middle.seq, reason: 'seq_gap' });

      await tamperWithAudit(db, (trx) => sql`delete from audit_events where seq = ${last.seq}`.execute(trx).then(() => undefined));
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: middle.seq, reason: 'head_mismatch' });

      await tamperWithAudit(db, async (trx) => {
        for (const row of saved) {
          await trx
            .insertInto('audit_events')
            .values({ ...row, seq: Number(row.seq), body: JSON.stringify(row.body) })
            .execute();
        }
      });
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true, lastSeq: last.seq });
    });

    it('verify reports a cut-off end whose head was rewound too, when a SIEM destination already got those events', async () => {
      const db = getDb();
      const log = createSqlAuditLog(db, { siemOutbox: true });
      const kept = await log.append(sampleAuditEvent());
      const cut = await log.append(sampleAuditEvent());
      // A destination delivered everything up to the last event.
      await sql`insert into siem_delivery (destination, delivered_seq, attempts, updated_at) values ('contract-siem', ${cut.seq}, 0, now())`.execute(db);
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: true });

      await tamperWithAudit(db, async (trx) => {
        await sql`delete from audit_events where seq = ${cut.seq}`.execute(trx);
        await sql`update audit_head set last_seq = ${kept.seq}, last_hash = ${kept.hash} where id = 1`.execute(trx);
      });
      expect(await verifyStoredAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: kept.seq + 1, reason: 'head_mismatch', message: expect.stringContaining('contract-siem already received events up to seq') });
      await sql`delete from siem_delivery where destination = 'contract-siem'`.execute(db);
    });
  });
}
