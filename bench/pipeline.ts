import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { Queue, Worker } from 'bullmq';
import type { JobName } from '@keyward/core';
import { createOktaIdentityProvider } from '@keyward/idp-okta';
import { JOB_NAMES, createBullActionQueue, createJobWorkers } from '@keyward/jobs';
import type { JobHandler } from '@keyward/jobs';
import { buildDirectMessageEvent, createOktaFake, deliverSlackRequest, signSlackEvent } from '@keyward/testkit';
import { callText } from '../apps/keyward/test/support/product-harness';
import { startCluster, waitUntil } from '../apps/keyward/test/reliability/support/cluster';
import type { Cluster, KeywardProcess } from '../apps/keyward/test/reliability/support/cluster';

/*
 * Issue #7 benchmarks, side by side in one run, all traffic on loopback, every loop bounded:
 *   1. Slack ack latency: our gateway's POST /slack/events vs a bare Bolt app that only acks.
 *   2. Pipeline throughput (DM → push approved → Okta fake unlock → result posted) vs raw BullMQ with a
 *      no-op processor at the same concurrency. The Okta fake's rate limit is raised here (part 3
 *      measures rate limiting on its own), so this measures Keyward, not Okta's budget.
 *   3. Drain of DRAIN_N queued unlocks against an Okta fake that rate-limits (429 + X-Rate-Limit-Reset)
 *      vs the minimum the limit allows; lost and duplicated counted.
 *   4. Gateway and worker RSS, idle and under load.
 *   npx tsx bench/pipeline.ts          (BENCH_QUICK=1 for a smoke run)
 */

const QUICK = process.env.BENCH_QUICK === '1';
const ACK_N = QUICK ? 40 : 300;
const ACK_RATE = 50; // requests per second, fixed
const PIPE_N = QUICK ? 10 : 60;
const NOOP_N = QUICK ? 500 : 5000;
const CONCURRENCY = 10;
const DRAIN_N = QUICK ? 1000 : 10_000;
const DRAIN_LIMIT = QUICK ? 400 : 2000; // per window per operation, Okta-style
const DRAIN_WINDOW_S = 5;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // the process is gone; reported below with its output
  }
};
const lines: string[] = [];
const out = (line: string): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

/** Fixed-rate open loop: request i is sent at start + i/rate, whatever the previous answers did. */
async function fixedRate(n: number, rate: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const start = performance.now();
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const due = start + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const t0 = performance.now();
      const status = await send(i);
      if (status !== 200) throw new Error(`ack answered ${status}`);
      return performance.now() - t0;
    }),
  );
}

async function ackLatency(cluster: Cluster, gateway: KeywardProcess, users: string[]): Promise<void> {
  // Bare Bolt: same signing, same body shape, a listener that does nothing but ack.
  const secret = `bare-${randomBytes(8).toString('hex')}`;
  // Its Web API points at the local Slack fake: nothing leaves loopback even if Bolt calls out.
  const bare = new App({ signingSecret: secret, token: 'xoxb-bare', tokenVerificationEnabled: false, ignoreSelf: false, botId: 'B0BARE', botUserId: 'U0BARE', clientOptions: { slackApiUrl: cluster.slack.apiUrl } });
  bare.event('message', async () => undefined);
  const server = (await bare.start(0)) as unknown as Server;
  const barePort = (server.address() as AddressInfo).port;
  const event = (i: number) => buildDirectMessageEvent({ user: users[i % users.length] as string, text: 'help', ts: `${Math.floor(Date.now() / 1000)}.${String(100000 + i)}` });
  const bareMs = await fixedRate(ACK_N, ACK_RATE, async (i) => (await deliverSlackRequest(`http://127.0.0.1:${barePort}/slack/events`, signSlackEvent(event(i), { signingSecret: secret }))).status);
  const oursMs = await fixedRate(ACK_N, ACK_RATE, async (i) => (await cluster.deliver(gateway, event(i))).status);
  await bare.stop();
  out(`| Slack ack, bare Bolt (only acks) | p50 ${ms(pct(bareMs, 50))} · p99 ${ms(pct(bareMs, 99))} | ${ACK_N} DMs at ${ACK_RATE}/s |`);
  out(`| Slack ack, Keyward /slack/events | p50 ${ms(pct(oursMs, 50))} · p99 ${ms(pct(oursMs, 99))} | ratio p50 ×${(pct(oursMs, 50) / pct(bareMs, 50)).toFixed(1)}, p99 ×${(pct(oursMs, 99) / pct(bareMs, 99)).toFixed(1)} |`);
}

async function rawBullmq(redisUrl: string): Promise<number> {
  const prefix = `{kwbench-${randomBytes(4).toString('hex')}}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('noop', async () => undefined, { connection, prefix, concurrency: CONCURRENCY });
    worker.on('completed', () => {
      done += 1;
      if (done === NOOP_N) void worker.close().then(() => resolve());
    });
  });
  const t0 = performance.now();
  await queue.addBulk(Array.from({ length: NOOP_N }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `j${i}` } })));
  await finished;
  const perSecond = NOOP_N / ((performance.now() - t0) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  return perSecond;
}

async function pipeline(cluster: Cluster, gateway: KeywardProcess, worker: KeywardProcess, users: string[]): Promise<void> {
  const noop = await rawBullmq('redis://127.0.0.1:6379');
  // Pushes are approved the moment they appear (a bench "phone"), so the pipeline runs unthrottled by people.
  let approving = true;
  const phone = (async () => {
    while (approving) {
      for (const push of cluster.okta.pendingPushes()) cluster.okta.approvePush(push.transactionId, push.correctAnswer);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const rss: { gw: number[]; wk: number[] } = { gw: [], wk: [] };
  const sampler = setInterval(() => {
    rss.gw.push(rssMb(gateway.pid));
    rss.wk.push(rssMb(worker.pid));
  }, 100);
  const t0 = performance.now();
  const sent = await Promise.all(
    users.slice(0, PIPE_N).map(async (user) => {
      const dm = cluster.dmEnvelope(user, "I'm locked out");
      await cluster.deliver(gateway, dm.envelope);
      return dm;
    }),
  );
  for (const dm of sent) {
    const what = (): string => `a result in ${dm.channel}/${dm.ts} (thread: ${cluster.threadReplies(dm.channel, dm.ts).map((c) => JSON.stringify(c.body['text'])).join(' | ')}; gateway ${gateway.exited() ? 'EXITED' : 'up'}, worker ${worker.exited() ? 'EXITED' : 'up'})`;
    await waitUntil(() => cluster.threadReplies(dm.channel, dm.ts).find((c) => callText(c).includes('Your account is unlocked')), what, 120_000);
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  approving = false;
  await phone;
  const lost = sent.filter((dm) => !cluster.threadReplies(dm.channel, dm.ts).some((c) => callText(c).includes('Your account is unlocked'))).length;
  const dup = sent.filter((dm) => cluster.threadReplies(dm.channel, dm.ts).filter((c) => callText(c).includes('Your account is unlocked')).length > 1).length;
  out(`| Raw BullMQ, no-op processor, concurrency ${CONCURRENCY} | ${noop.toFixed(0)} jobs/s | ${NOOP_N} jobs, addBulk |`);
  out(`| Keyward pipeline (DM → push → unlock → result), WORKER_CONCURRENCY ${CONCURRENCY} | ${(PIPE_N / seconds).toFixed(1)} requests/s | ${PIPE_N} requests in ${seconds.toFixed(1)} s, ~5 jobs each; lost ${lost}, duplicated ${dup}; ×${(noop / (PIPE_N / seconds)).toFixed(0)} slower per request |`);
  out(`| RSS under load (max) | gateway ${Math.max(...rss.gw).toFixed(0)} MB · worker ${Math.max(...rss.wk).toFixed(0)} MB | sampled every 100 ms |`);
}

async function drain(): Promise<void> {
  const token = `00drain-${randomBytes(8).toString('hex')}`;
  const okta = await createOktaFake({
    apiToken: token,
    rateLimit: { limit: DRAIN_LIMIT, windowSeconds: DRAIN_WINDOW_S },
    seed: { users: Array.from({ length: DRAIN_N }, (_, i) => ({ login: `d${i}@example.com`, email: `d${i}@example.com`, firstName: 'D', lastName: String(i), status: 'LOCKED_OUT' as const })) },
  });
  const idp = createOktaIdentityProvider({ orgUrl: okta.url, auth: { kind: 'api_token', token }, userAgent: 'keyward-bench' });
  const ids = Array.from({ length: DRAIN_N }, (_, i) => okta.user(`d${i}@example.com`)?.id as string);
  const prefix = `{kwdrain-${randomBytes(4).toString('hex')}}`;
  const connection = { url: 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
  const queue = createBullActionQueue({ connection, prefix });
  let done = 0;
  let gaveUp = 0;
  const execute: JobHandler = async (payload) => {
    await idp.unlock(ids[Number(payload.requestId.slice(2))] as string, { requestId: payload.requestId });
    done += 1;
  };
  const handlers = Object.fromEntries(JOB_NAMES.map((n) => [n, n === 'action.execute' ? execute : async () => undefined])) as Record<JobName, JobHandler>;
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as unknown as Parameters<typeof createJobWorkers>[0]['logger'];
  // Enqueued first, workers started after: 10,000 actions already queued, as after an outage.
  for (let i = 0; i < DRAIN_N; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, DRAIN_N - i) }, (_, k) => queue.enqueue({ name: 'action.execute', requestId: `rq${i + k}`, step: 'execute' })));
  }
  const t0 = Date.now();
  const workers = createJobWorkers({ connection, prefix, handlers, onGaveUp: async () => void (gaveUp += 1), concurrency: 50, logger: silent });
  const deadline = t0 + 10 * 60_000;
  while (done + gaveUp < DRAIN_N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - t0) / 1000;
  await workers.close();
  // The minimum the limit allows: DRAIN_LIMIT calls per fixed window; the first window is what is left of it at t0.
  const windowMs = DRAIN_WINDOW_S * 1000;
  const firstWindowLeft = (windowMs - (t0 % windowMs)) / 1000;
  const minimum = Math.ceil(DRAIN_N / DRAIN_LIMIT) <= 1 ? 0 : firstWindowLeft + (Math.ceil(DRAIN_N / DRAIN_LIMIT) - 2) * DRAIN_WINDOW_S;
  const applied = okta.writes().filter((w) => w.operation === 'unlockUser' && w.status === 200);
  const perUser = new Map<string, number>();
  for (const w of applied) perUser.set(w.path, (perUser.get(w.path) ?? 0) + 1);
  const dup = [...perUser.values()].filter((c) => c > 1).length;
  const limited = okta.writes().filter((w) => w.status === 429).length;
  out(`| Drain ${DRAIN_N} queued unlocks, Okta fake at ${DRAIN_LIMIT} per ${DRAIN_WINDOW_S} s (429 + reset), concurrency 50 | ${seconds.toFixed(1)} s vs minimum ${minimum.toFixed(1)} s (×${(seconds / Math.max(minimum, 0.001)).toFixed(2)}) | lost ${DRAIN_N - perUser.size} (gave up ${gaveUp}), duplicated ${dup}, 429s served ${limited} |`);
  await (await import('bullmq')).Queue.prototype.obliterate.call(queue.queues['action.execute'], { force: true }).catch(() => undefined);
  await queue.close();
  await okta.close();
}

async function main(): Promise<void> {
  const users = Array.from({ length: Math.max(PIPE_N, 20) }, (_, i) => `U0PIPE${String(i).padStart(4, '0')}`);
  const cluster = await startCluster({ employees: users.map((slackId, i) => ({ slackId, name: `pipe${i}`, okta: { status: 'LOCKED_OUT' as const } })), pollIntervalMs: 250, oktaRateLimit: { limit: 100_000, windowSeconds: 60 }, env: { WORKER_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'error' } });
  try {
    const gateway = await cluster.start('gateway');
    const worker = await cluster.start('worker');
    await new Promise((r) => setTimeout(r, 2000));
    out('');
    out(`Keyward pipeline benchmarks (${QUICK ? 'quick' : 'full'} run), node ${process.version}`);
    out('| measure | result | notes |');
    out('|---|---|---|');
    out(`| RSS idle | gateway ${rssMb(gateway.pid).toFixed(0)} MB · worker ${rssMb(worker.pid).toFixed(0)} MB | after start-up, before traffic |`);
    await ackLatency(cluster, gateway, users);
    await pipeline(cluster, gateway, worker, users);
  } finally {
    for (const p of cluster.processes) if (p.exited()) process.stderr.write(`${p.name} EXITED during the bench:\n${p.output().slice(-4000)}\n`);
    await cluster.dispose();
  }
  await drain();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
