import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { AuditRecord } from '@keyward/core';
import { buildAuditChain } from '../../audit-test-events';
import { createMemorySiemOutbox } from '../../testing/memory-siem-outbox';
import { drainSiemDestination } from '../drain-siem-destination';
import type { SiemAlert } from '../drain-siem-destination';
import type { SiemForwarder } from '../siem-forwarder';
import { parseOctetCounted } from '../syslog-5424';
import { verifyWebhookSignature } from '../webhook-signature';
import { createJsonLinesForwarder } from './json-lines-forwarder';
import { createSplunkHecForwarder } from './splunk-hec-forwarder';
import { createSyslogForwarder } from './syslog-forwarder';
import { createWebhookForwarder } from './webhook-forwarder';

/*
 * Every forwarder against a real local receiver (node http/https/net/tls servers; TLS with a
 * self-signed certificate made by the openssl CLI for this run), through the real drain loop. The
 * "10-minute outage" is compressed: the drain's clock advances 15 s per pass while the receiver
 * refuses (403/503) or is not listening at all; then it recovers and must hold every event exactly
 * once, in seq order (F17), with a "failing" alert raised during the outage and a "recovered" one after.
 */

let certDir: string;
let cert: Buffer;
let key: Buffer;

beforeAll(() => {
  certDir = mkdtempSync(path.join(tmpdir(), 'kw-siem-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  cert = readFileSync(path.join(certDir, 'cert.pem'));
  key = readFileSync(path.join(certDir, 'key.pem'));
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

type Mode = 'up' | 'refuse' | 'down';

/** Drives one forwarder through: 3 events delivered, a 10-minute outage with 6 more, recovery. */
async function outageScenario(forwarder: SiemForwarder, receiver: { setMode(mode: Mode): Promise<void>; seqs(): number[] }, outage: Mode): Promise<SiemAlert[]> {
  const all = buildAuditChain(9);
  const records: AuditRecord[] = all.slice(0, 3);
  const outbox = createMemorySiemOutbox(records);
  let clock = new Date('2025-01-01T00:00:00Z');
  await outbox.register(forwarder.name, clock);
  const alerts: SiemAlert[] = [];
  const drain = (): ReturnType<typeof drainSiemDestination> =>
    drainSiemDestination({ outbox, forwarder, now: () => clock, owner: 'test', batchSize: 4, backoff: { baseMs: 1000, maxMs: 30_000 }, alertAfterMs: 60_000, alertRepeatMs: 5 * 60_000, random: () => 0.5, onAlert: async (a) => void alerts.push(a) });

  expect(await drain()).toMatchObject({ status: 'delivered', delivered: 3 });
  expect(receiver.seqs()).toEqual([1, 2, 3]);

  await receiver.setMode(outage);
  let next = 3;
  for (let second = 0; second < 600; second += 15) {
    if (next < all.length && second % 60 === 0) records.push(all[next++]!);
    const result = await drain();
    expect(result.status === 'failed' || result.status === 'backing_off').toBe(true);
    clock = new Date(clock.getTime() + 15_000);
  }
  expect(receiver.seqs()).toEqual([1, 2, 3]);
  expect(alerts.filter((a) => a.kind === 'failing').length).toBeGreaterThanOrEqual(1);

  await receiver.setMode('up');
  clock = new Date(clock.getTime() + 30_000);
  expect(await drain()).toMatchObject({ status: 'delivered', delivered: 6, deliveredSeq: 9 });
  expect(receiver.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(alerts.at(-1)).toMatchObject({ kind: 'recovered', destination: forwarder.name, backlog: 0 });
  await forwarder.close?.();
  return alerts;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An HTTP(S) receiver that can refuse with a status, or stop listening and come back on the same port. */
async function httpReceiver(options: { tls: boolean; refuseStatus: number; accept: (req: IncomingMessage, body: string) => number[] | undefined }) {
  let mode: Mode = 'up';
  const seqs: number[] = [];
  const rejected: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req).then((body) => {
      if (mode === 'refuse') {
        res.writeHead(options.refuseStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'Server is busy', code: 9 }));
        return;
      }
      const accepted = options.accept(req, body);
      if (!accepted) {
        rejected.push(body);
        res.writeHead(401).end('{"text":"Invalid authorization","code":3}');
        return;
      }
      seqs.push(...accepted);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    }, () => res.writeHead(500).end());
  };
  const make = (): HttpServer => (options.tls ? createHttpsServer({ cert, key }, handler) : createHttpServer(handler));
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seqs: () => [...seqs],
    rejected,
    async setMode(next: Mode) {
      if (mode === 'down' && next !== 'down') {
        server = make();
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
      if (next === 'down') {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      mode = next;
    },
    async close() {
      if (mode !== 'down') {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** A syslog collector over TCP or TLS: octet-counted frames, RFC 5424 + CEF parsed back. */
async function syslogReceiver(tls: boolean) {
  let mode: Mode = 'up';
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseOctetCounted(Buffer.concat([buffer, chunk]));
      messages.push(...parsed.messages);
      buffer = parsed.rest;
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const make = (): NetServer => (tls ? createTlsServer({ cert, key }, onSocket) : createNetServer(onSocket));
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `${tls ? 'tls' : 'tcp'}://127.0.0.1:${port}`,
    messages,
    seqs: () => messages.map((m) => Number(/ seq="(\d+)"/.exec(m)?.[1])),
    async setMode(next: Mode) {
      if (mode === 'down' && next !== 'down') {
        server = make();
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
      if (next === 'down') await stop();
      mode = next;
    },
    async close() {
      if (mode !== 'down') await stop();
    },
  };
}

describe('Splunk HEC forwarder (real HTTP and HTTPS receivers)', () => {
  const token = '11111111-2222-3333-4444-555555555555';
  const accept = (req: IncomingMessage, body: string): number[] | undefined => {
    if (req.url !== '/services/collector/event' || req.headers.authorization !== `Splunk ${token}`) return undefined;
    // Batched envelopes are concatenated JSON objects (one per line here), not an array.
    return body.split('\n').map((line) => {
      const envelope = JSON.parse(line) as { time: number; sourcetype: string; event: AuditRecord };
      expect(envelope.sourcetype).toBe('keyward:audit');
      expect(typeof envelope.time).toBe('number');
      return envelope.event.seq;
    });
  };

  it('delivers everything once and in order across a 503 outage', async () => {
    const receiver = await httpReceiver({ tls: false, refuseStatus: 503, accept });
    try {
      await outageScenario(createSplunkHecForwarder({ url: receiver.url, token }), receiver, 'refuse');
    } finally {
      await receiver.close();
    }
  });

  it('over HTTPS with a private CA, across a 403 outage (the rsyslog #4636 case)', async () => {
    const receiver = await httpReceiver({ tls: true, refuseStatus: 403, accept });
    try {
      await outageScenario(createSplunkHecForwarder({ url: `${receiver.url}/services/collector/event`, token, ca: cert }), receiver, 'refuse');
    } finally {
      await receiver.close();
    }
  });

  it('treats a wrong token as a failure, never as delivered', async () => {
    const receiver = await httpReceiver({ tls: false, refuseStatus: 503, accept });
    try {
      await expect(createSplunkHecForwarder({ url: receiver.url, token: 'wrong' }).send(buildAuditChain(1))).rejects.toThrow(/401/);
      expect(receiver.seqs()).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook forwarder (real HTTP receiver, HMAC-SHA256)', () => {
  const secret = 'whsec-test';
  const accept = (req: IncomingMessage, body: string): number[] | undefined => {
    const ok = verifyWebhookSignature({ secret, body, timestamp: req.headers['x-keyward-timestamp'] as string, signature: req.headers['x-keyward-signature'] as string, nowSeconds: Math.floor(Date.now() / 1000) });
    return ok ? (JSON.parse(body) as { events: AuditRecord[] }).events.map((e) => e.seq) : undefined;
  };

  it('delivers everything once and in order while the receiver is down, then back', async () => {
    const receiver = await httpReceiver({ tls: false, refuseStatus: 503, accept });
    try {
      await outageScenario(createWebhookForwarder({ url: `${receiver.url}/hook`, secret }), receiver, 'down');
    } finally {
      await receiver.close();
    }
  });

  it('signs so that a receiver with another secret refuses it', async () => {
    const receiver = await httpReceiver({ tls: false, refuseStatus: 503, accept });
    try {
      await expect(createWebhookForwarder({ url: receiver.url, secret: 'not-the-secret' }).send(buildAuditChain(1))).rejects.toThrow(/401/);
      expect(receiver.rejected).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

describe('syslog forwarder (RFC 5424 + CEF, real TCP and TLS collectors)', () => {
  it('over TCP: everything once and in order across a collector that was down', async () => {
    const receiver = await syslogReceiver(false);
    try {
      await outageScenario(createSyslogForwarder({ url: receiver.url, productVersion: '0.1.0', hostname: 'kw-host' }), receiver, 'down');
      const first = receiver.messages[0]!;
      expect(first).toMatch(/^<\d+>1 \d{4}-\d\d-\d\dT[\d:.]+Z kw-host keyward \d+ request\.understood \[keyward@32473 seq="1" hash="[0-9a-f]{64}" /);
      expect(first).toContain('CEF:0|Keyward|Keyward|0.1.0|request.understood|request.understood password_reset|3|rt=');
    } finally {
      await receiver.close();
    }
  });

  it('over TLS with the collector certificate as CA; refuses a collector it cannot verify', async () => {
    const receiver = await syslogReceiver(true);
    try {
      await expect(createSyslogForwarder({ url: receiver.url, productVersion: '0.1.0', timeoutMs: 2000 }).send(buildAuditChain(1))).rejects.toThrow(/self-signed|certificate/i);
      expect(receiver.messages).toEqual([]);
      await outageScenario(createSyslogForwarder({ url: receiver.url, ca: cert, productVersion: '0.1.0' }), receiver, 'down');
    } finally {
      await receiver.close();
    }
  });
});

describe('JSON lines forwarder', () => {
  it('appends one JSON object per line to a file, in order, and to stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-jsonl-'));
    try {
      const file = path.join(dir, 'audit.jsonl');
      const forwarder = createJsonLinesForwarder({ target: file });
      const chain = buildAuditChain(5);
      await forwarder.send(chain.slice(0, 2));
      await forwarder.send(chain.slice(2));
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
      expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(lines[4]!.hash).toBe(chain[4]!.hash);

      const written: string[] = [];
      const stdout = { write: (text: string, cb: (e?: Error | null) => void) => (written.push(text), cb(null), true) } as unknown as NodeJS.WritableStream;
      await createJsonLinesForwarder({ target: 'stdout', stdout }).send(chain.slice(0, 1));
      expect(JSON.parse(written[0]!)).toMatchObject({ seq: 1, at: '2025-01-01T00:00:01.000Z' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails (and is retried) when the file cannot be written', async () => {
    await expect(createJsonLinesForwarder({ target: '/nonexistent-dir/audit.jsonl' }).send(buildAuditChain(1))).rejects.toThrow(/ENOENT/);
  });
});
