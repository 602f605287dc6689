import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { verifyWebhookSignature } from '@keyward/audit';
import { loadConfig } from '@keyward/config';
import type { AuditEventInput, AuditRecord, ChatSurface, Escalation } from '@keyward/core';
import { silentLogger, systemClock } from '@keyward/core';
import { createSqlAuditLog, openDatabase } from '@keyward/store';
import type { OpenedDatabase } from '@keyward/store';
import { startOperations } from '../../src/runtime/start-operations';

/*
 * The worker wiring end to end: audit appends (PostgreSQL, outbox in the same transaction) → the
 * BullMQ operations worker (real Redis, scheduled drain) → a signed webhook to a real HTTP receiver
 * that answers 503 at first. While it fails, a security alert reaches the chat escalation path and is
 * itself audited; once it recovers, every event — the alert's own included — arrives once, in seq order.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'webhook-secret-for-tests';

function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 50);
    };
    tick();
  });
}

function event(n: number): AuditEventInput {
  return { requestId: `rq_${n}`, at: new Date(), type: 'request.succeeded', state: 'succeeded', channel: { surface: 'slack', channelId: 'D1' }, requester: { chatUserId: 'U1', idpUserId: '00u1' }, action: 'account_unlock', agent: { name: 'keyward', version: '0.1.0' }, idpRequestId: `okta-${n}` };
}

describe('SIEM forwarding through the worker (PostgreSQL + Redis + HTTP receiver)', () => {
  const schema = `kw_siem_${randomBytes(5).toString('hex')}`;
  const prefix = `{kwtest-siem-${randomBytes(5).toString('hex')}}`;
  let database: OpenedDatabase;

  afterAll(async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps everything through an outage, alerts on chat while failing, then delivers in order exactly once (F17)', async () => {
    let status = 503;
    const received: AuditRecord[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signed = verifyWebhookSignature({ secret: SECRET, body, timestamp: req.headers['x-keyward-timestamp'] as string, signature: req.headers['x-keyward-signature'] as string, nowSeconds: Math.floor(Date.now() / 1000) });
        if (!signed) return void res.writeHead(401).end();
        if (status !== 200) return void res.writeHead(status).end('unavailable');
        received.push(...(JSON.parse(body) as { events: AuditRecord[] }).events);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const escalations: Escalation[] = [];
    const surface = { surface: 'slack', escalate: async (e: Escalation) => void escalations.push(e) } as unknown as ChatSurface;

    const config = loadConfig({
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      QUEUE_PREFIX: prefix,
      SIEM_WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/siem`,
      SIEM_WEBHOOK_SECRET: SECRET,
      SIEM_DRAIN_INTERVAL_MS: '100',
      SIEM_MAX_BACKOFF_MS: '1000',
      SIEM_ALERT_AFTER_SECONDS: '0',
      ANOMALY_WATCH: 'false',
    });
    database = await openDatabase({ url: DATABASE_URL, schema, poolSize: 4 });
    const audit = createSqlAuditLog(database.db, { siemOutbox: config.operations.siemDestinations.length > 0 });
    const operations = await startOperations({ config, connection: { url: 'redis://127.0.0.1:6379', maxRetriesPerRequest: null }, database, audit, securitySurface: surface, clock: systemClock, logger: silentLogger, agent: { name: 'keyward', version: '0.1.0' } });
    try {
      for (let i = 1; i <= 5; i += 1) await audit.append(event(i));
      await waitFor(() => escalations.some((e) => e.facts.alert === 'siem.destination_failing'));
      const failing = escalations.find((e) => e.facts.alert === 'siem.destination_failing')!;
      expect(failing).toMatchObject({ severity: 'critical', facts: { destination: 'webhook', lastError: expect.stringContaining('503') } });
      expect(received).toEqual([]);
      for (let i = 6; i <= 8; i += 1) await audit.append(event(i));

      status = 200;
      await waitFor(() => escalations.some((e) => e.facts.alert === 'siem.destination_recovered'));
      await waitFor(() => received.some((r) => r.type === 'security.siem.destination_recovered'));
      const seqs = received.map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(received.filter((r) => r.type === 'request.succeeded').map((r) => r.requestId)).toEqual(['rq_1', 'rq_2', 'rq_3', 'rq_4', 'rq_5', 'rq_6', 'rq_7', 'rq_8']);
      expect(received.some((r) => r.type === 'security.siem.destination_failing')).toBe(true);
    } finally {
      await operations.close();
      server.close();
      await database.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await database.close();
    }
  });
});
