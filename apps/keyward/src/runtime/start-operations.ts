import type { ConnectionOptions } from 'bullmq';
import type { KeywardConfig } from '@keyward/config';
import type { ActionQueue, AuditLog, ChatSurface, Clock, Logger } from '@keyward/core';
import { OPERATIONS_JOBS, startOperationsWorker } from '@keyward/jobs';
import type { OperationsSchedule } from '@keyward/jobs';
import type { OpenedDatabase } from '@keyward/store';
import { createSqlSiemOutbox, listIdpWrites, listStalledRequests, pruneAuditLog } from '@keyward/store';
import { createAnomalyWatch } from '../worker/anomaly-watch';
import { RESUMABLE_STATES, createResumeStalledHandler } from '../worker/resume-stalled';
import { createSecurityAlerter } from '../worker/security-alerts';
import { createSiemDrainHandler, createSiemForwarders } from '../worker/siem-forwarding';
import type { KeywardMetrics } from './metrics';

export interface OperationsRuntime {
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;
/** How often stalled requests are looked for, and how long a request must sit still to count. */
const RESUME_EVERY_MS = 30_000;
const STALLED_AFTER_MS = 60_000;

/**
 * Worker-side operations (issue #6): SIEM drains (one schedule per destination), the anomaly watch,
 * audit retention and the resume of stalled requests, all as BullMQ job schedulers on the operations
 * queue.
 */
export async function startOperations(deps: {
  config: KeywardConfig;
  connection: ConnectionOptions;
  database: OpenedDatabase;
  audit: AuditLog;
  securitySurface?: ChatSurface;
  clock: Clock;
  logger: Logger;
  metrics?: KeywardMetrics;
  agent: { name: string; version: string };
  /** The request queue: stalled requests get their next job again (nothing the gateway stored is lost). */
  queue?: ActionQueue;
}): Promise<OperationsRuntime> {
  const ops = deps.config.operations;
  const logger = deps.logger.child({ component: 'operations' });
  const alert = createSecurityAlerter({ logger, surface: deps.securitySurface, audit: deps.audit, clock: deps.clock, metrics: deps.metrics, agent: deps.agent });
  const outbox = createSqlSiemOutbox(deps.database.db);
  const forwarders = createSiemForwarders(ops, deps.agent.version);
  for (const forwarder of forwarders) await outbox.register(forwarder.name, deps.clock.now());

  const schedules: OperationsSchedule[] = forwarders.map((f) => ({ id: `${OPERATIONS_JOBS.siemDrain}:${f.name}`, name: OPERATIONS_JOBS.siemDrain, everyMs: ops.siem.drainIntervalMs, data: { destination: f.name } }));
  if (ops.anomaly.enabled) schedules.push({ id: OPERATIONS_JOBS.anomalyCheck, name: OPERATIONS_JOBS.anomalyCheck, everyMs: ops.anomaly.windowMinutes * 60_000 });
  if (ops.audit.retentionDays) schedules.push({ id: OPERATIONS_JOBS.auditRetention, name: OPERATIONS_JOBS.auditRetention, everyMs: DAY_MS / 4 });
  if (deps.queue) schedules.push({ id: OPERATIONS_JOBS.requestsResume, name: OPERATIONS_JOBS.requestsResume, everyMs: RESUME_EVERY_MS });
  const resumeStalled = deps.queue
    ? createResumeStalledHandler({
        queue: deps.queue,
        logger,
        listStalled: () => listStalledRequests(deps.database.db, { states: RESUMABLE_STATES, updatedBefore: new Date(deps.clock.now().getTime() - STALLED_AFTER_MS), limit: 200 }),
      })
    : undefined;

  const anomalyWatch = createAnomalyWatch({ config: ops.anomaly, clock: deps.clock, listWrites: (range) => listIdpWrites(deps.database.db, range), alert });
  const worker = await startOperationsWorker({
    connection: deps.connection,
    prefix: deps.config.queuePrefix,
    logger,
    schedules,
    handlers: {
      [OPERATIONS_JOBS.siemDrain]: createSiemDrainHandler({ outbox, forwarders, config: ops, clock: deps.clock, logger, alert }),
      [OPERATIONS_JOBS.anomalyCheck]: async () => void (await anomalyWatch()),
      [OPERATIONS_JOBS.requestsResume]: async () => void (await resumeStalled?.()),
      [OPERATIONS_JOBS.auditRetention]: async () => {
        const days = ops.audit.retentionDays;
        if (!days) return;
        try {
          const result = await pruneAuditLog(deps.database.db, { before: new Date(deps.clock.now().getTime() - days * DAY_MS), now: deps.clock.now() });
          if (result.removed > 0) logger.info({ removed: result.removed, checkpointSeq: result.checkpoint.seq }, 'audit retention: old events removed, checkpoint advanced');
        } catch (error) {
          // With the restricted-grants option the app role cannot DELETE: retention is the owner's job.
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'audit retention failed; with restricted grants run `npx keyward audit prune` as the schema owner');
        }
      },
    },
  });
  return { close: () => worker.close() };
}
