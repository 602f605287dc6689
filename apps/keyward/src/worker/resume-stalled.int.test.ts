import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ServiceRequest } from '@keyward/core';
import { silentLogger } from '@keyward/core';
import { createBullActionQueue, jobIdFor } from '@keyward/jobs';
import type { BullActionQueue } from '@keyward/jobs';
import { createSqlRequestStore, listStalledRequests, openDatabase } from '@keyward/store';
import type { OpenedDatabase } from '@keyward/store';
import { RESUMABLE_STATES, createResumeStalledHandler } from './resume-stalled';

/*
 * A request the gateway stored while Redis was unreachable has no job: nothing would ever move it on.
 * The worker's resume schedule finds requests that sat still in `received` / `queued` and queues their
 * next job again — once (deterministic job ids), and never for a request whose job is still there.
 */
const DATABASE_URL = process.env.KEYWARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('resume of stalled requests (PostgreSQL + BullMQ)', () => {
  const schema = `kw_resume_${randomBytes(5).toString('hex')}`;
  const prefix = `{kwresume-${randomBytes(5).toString('hex')}}`;
  let database: OpenedDatabase;
  let queue: BullActionQueue;

  beforeAll(async () => {
    database = await openDatabase({ url: DATABASE_URL, schema, poolSize: 2 });
    queue = createBullActionQueue({ connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await queue.close();
    await database.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await database.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  function request(id: string, state: ServiceRequest['state'], minutesAgo: number): ServiceRequest {
    const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
    return { id, version: 1, state, createdAt: at, updatedAt: at, sourceEventId: `slack:${id}`, conversation: { surface: 'slack', channelId: 'D1', threadId: '1.1' }, requester: { chatUserId: 'U1' }, params: {}, text: 'I forgot my password', messages: {}, approvals: [] };
  }

  it('queues the next job once for requests stalled in received or queued; leaves fresh, other-state and already-queued ones alone', async () => {
    const store = createSqlRequestStore(database.db);
    await store.create(request('rq_lost_received', 'received', 5));
    await store.create(request('rq_lost_queued', 'queued', 5));
    await store.create(request('rq_fresh', 'received', 0));
    await store.create(request('rq_waiting', 'awaiting_approval', 5));
    await store.create(request('rq_has_job', 'received', 5));
    await queue.enqueue({ name: 'request.process', requestId: 'rq_has_job', step: 'process', delayMs: 60_000 });

    const resume = createResumeStalledHandler({
      queue,
      logger: silentLogger,
      listStalled: () => listStalledRequests(database.db, { states: RESUMABLE_STATES, updatedBefore: new Date(Date.now() - 60_000), limit: 100 }),
    });
    expect(await resume()).toBe(3);
    expect(await resume()).toBe(3); // a second pass adds nothing: the job ids already exist

    const processJobs = await queue.queues['request.process'].getJobs(['waiting', 'delayed']);
    const executeJobs = await queue.queues['action.execute'].getJobs(['waiting', 'delayed']);
    expect(processJobs.map((j) => j.id).sort()).toEqual([jobIdFor('rq_has_job', 'process'), jobIdFor('rq_lost_received', 'process')].sort());
    expect(executeJobs.map((j) => j.id)).toEqual([jobIdFor('rq_lost_queued', 'execute')]);
    // The job that existed keeps its own delay: it was not replaced by an immediate one.
    expect(processJobs.find((j) => j.id === jobIdFor('rq_has_job', 'process'))?.opts.delay).toBe(60_000);
  });
});
