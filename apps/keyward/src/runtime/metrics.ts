import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditLog, IdentityProvider } from '@keyward/core';
import { isAppError } from '@keyward/core';

/** Terminal request states: one count per request, by intent and outcome. */
const TERMINAL = new Set(['succeeded', 'answered', 'failed', 'refused', 'escalated', 'denied', 'expired', 'cancelled']);

export interface KeywardMetrics {
  registry: Registry;
  requests: Counter<'intent' | 'outcome'>;
  stepUp: Counter<'result'>;
  approvalLatency: Histogram<'outcome'>;
  classifierLatency: Histogram<'model'>;
  classifierTokens: Counter<'model' | 'kind'>;
  classifierFallbacks: Counter<'reason'>;
  idpLatency: Histogram<'operation' | 'outcome'>;
  idpRateLimited: Counter<'operation'>;
  queueDepth: Gauge<'queue'>;
  siemBacklog: Gauge<'destination'>;
  siemFailing: Gauge<'destination'>;
  securityAlerts: Counter<'kind'>;
}

export interface MetricSources {
  /** Waiting + delayed + active jobs per queue. */
  queueDepth?: () => Promise<Record<string, number>>;
  /** Undelivered audit events per SIEM destination. */
  siemBacklog?: () => Promise<Record<string, number>>;
  /** Destinations currently failing (consecutive failures > 0). */
  siemFailing?: () => Promise<Record<string, boolean>>;
}

/**
 * One registry per process (no prom-client global): gateway and worker each expose theirs. Gauges
 * that describe shared state (queue depth, SIEM backlog) are read at scrape time, so every replica
 * reports the same truth and nothing goes stale.
 */
export function createMetrics(sources: MetricSources = {}): KeywardMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keyward_process_' });
  const queueDepth = new Gauge({
    name: 'keyward_queue_depth',
    help: 'Jobs waiting, delayed or running, per queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      if (!sources.queueDepth) return;
      for (const [queue, depth] of Object.entries(await sources.queueDepth())) this.set({ queue }, depth);
    },
  });
  const siemBacklog = new Gauge({
    name: 'keyward_siem_backlog',
    help: 'Audit events not yet delivered, per SIEM destination.',
    labelNames: ['destination'] as const,
    registers: [registry],
    async collect() {
      if (!sources.siemBacklog) return;
      for (const [destination, backlog] of Object.entries(await sources.siemBacklog())) this.set({ destination }, backlog);
    },
  });
  const siemFailing = new Gauge({
    name: 'keyward_siem_destination_failing',
    help: '1 while the last delivery attempt to the destination failed.',
    labelNames: ['destination'] as const,
    registers: [registry],
    async collect() {
      if (!sources.siemFailing) return;
      for (const [destination, failing] of Object.entries(await sources.siemFailing())) this.set({ destination }, failing ? 1 : 0);
    },
  });
  return {
    registry,
    queueDepth,
    siemBacklog,
    siemFailing,
    requests: new Counter({ name: 'keyward_requests_total', help: 'Requests that reached a final state, by intent and outcome.', labelNames: ['intent', 'outcome'] as const, registers: [registry] }),
    stepUp: new Counter({ name: 'keyward_stepup_results_total', help: 'Step-up (MFA push) results.', labelNames: ['result'] as const, registers: [registry] }),
    approvalLatency: new Histogram({ name: 'keyward_approval_latency_seconds', help: 'From approval requested to approved/denied.', labelNames: ['outcome'] as const, buckets: [10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600], registers: [registry] }),
    classifierLatency: new Histogram({ name: 'keyward_classifier_latency_seconds', help: 'Language model latency per classified message (model-backed classifier only).', labelNames: ['model'] as const, buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8], registers: [registry] }),
    classifierTokens: new Counter({ name: 'keyward_classifier_tokens_total', help: 'Tokens billed by the language model, by kind.', labelNames: ['model', 'kind'] as const, registers: [registry] }),
    classifierFallbacks: new Counter({ name: 'keyward_classifier_fallbacks_total', help: 'Messages answered by the offline fallback instead of the model, by reason.', labelNames: ['reason'] as const, registers: [registry] }),
    idpLatency: new Histogram({ name: 'keyward_idp_request_duration_seconds', help: 'Identity provider calls, by port operation and outcome.', labelNames: ['operation', 'outcome'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15], registers: [registry] }),
    idpRateLimited: new Counter({ name: 'keyward_idp_rate_limited_total', help: 'Identity provider calls answered 429 (after the SDK retries).', labelNames: ['operation'] as const, registers: [registry] }),
    securityAlerts: new Counter({ name: 'keyward_security_alerts_total', help: 'Security alerts raised (anomalies, SIEM outages), by kind.', labelNames: ['kind'] as const, registers: [registry] }),
  };
}

/**
 * Counts from the audit stream, the one place every transition passes (request-journal.ts): final
 * states by intent/outcome, step-up results, approval latency. Decorates the port; core is untouched.
 */
export function instrumentAuditLog(audit: AuditLog, metrics: KeywardMetrics): AuditLog {
  const approvalStarted = new Map<string, number>();
  return {
    list: (options) => audit.list(options),
    async append(event) {
      const record = await audit.append(event);
      const state = event.state ?? '';
      // The transition INTO a final state is `request.<state>` (applyEvent); later events on a finished
      // request (secret delivered, delivery failed) carry the same state and must not count again.
      if (TERMINAL.has(state) && event.type === `request.${state}`) metrics.requests.inc({ intent: event.agent.intent ?? 'unknown', outcome: state });
      if (event.type === 'request.verified') metrics.stepUp.inc({ result: 'approved' });
      if (event.type === 'request.understood') {
        const model = event.agent.model ?? 'none';
        if (event.agent.latencyMs !== undefined) metrics.classifierLatency.observe({ model }, event.agent.latencyMs / 1000);
        if (event.agent.tokens) {
          metrics.classifierTokens.inc({ model, kind: 'prompt' }, event.agent.tokens.prompt);
          metrics.classifierTokens.inc({ model, kind: 'completion' }, event.agent.tokens.completion);
        }
        if (event.agent.fallbackReason) metrics.classifierFallbacks.inc({ reason: event.agent.fallbackReason.split(':')[0] ?? 'other' });
      }
      if (event.type === 'request.verification_failed') metrics.stepUp.inc({ result: event.verification?.result ?? 'failed' });
      if (event.type === 'request.approval_requested') approvalStarted.set(event.requestId, event.at.getTime());
      if (event.type === 'request.approved' || event.type === 'request.denied') {
        const started = approvalStarted.get(event.requestId);
        if (started !== undefined) {
          metrics.approvalLatency.observe({ outcome: event.type.slice('request.'.length) }, (event.at.getTime() - started) / 1000);
          approvalStarted.delete(event.requestId);
        }
      }
      if (approvalStarted.size > 10_000) approvalStarted.clear();
      return record;
    },
  };
}

/**
 * Times every call of the identity provider port (whatever methods it has now or later) and counts
 * 429s. A Proxy, so the port can grow without this file changing.
 */
export function instrumentIdentityProvider<T extends IdentityProvider>(idp: T, metrics: KeywardMetrics, now: () => number = () => performance.now()): T {
  return new Proxy(idp, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = now();
        try {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          metrics.idpLatency.observe({ operation: property, outcome: 'ok' }, (now() - started) / 1000);
          return result;
        } catch (error) {
          const code = isAppError(error) ? error.code : 'internal';
          metrics.idpLatency.observe({ operation: property, outcome: code }, (now() - started) / 1000);
          if (code === 'idp.rate_limited') metrics.idpRateLimited.inc({ operation: property });
          throw error;
        }
      };
    },
  });
}
