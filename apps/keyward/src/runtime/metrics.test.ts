import { AppError } from '@keyward/core';
import type { AuditEventInput, AuditLog, AuditRecord, IdentityProvider } from '@keyward/core';
import { createMetrics, instrumentAuditLog, instrumentIdentityProvider } from './metrics';

function memoryAudit(): AuditLog {
  const records: AuditRecord[] = [];
  return {
    async append(event) {
      const record = { ...event, seq: records.length + 1, prevHash: 'p', hash: 'h' };
      records.push(record);
      return record;
    },
    async list() {
      return records;
    },
  };
}

const base = (type: string, state: string, at = 0): AuditEventInput => ({ requestId: 'rq1', at: new Date(at), type, state, channel: { surface: 'slack' }, requester: {}, agent: { name: 'k', version: '1', intent: 'password_reset' } });

describe('metrics', () => {
  it('counts final states once by intent/outcome, step-up results and approval latency from the audit stream', async () => {
    const metrics = createMetrics({ queueDepth: async () => ({ actions: 3 }), siemBacklog: async () => ({ splunk: 42 }), siemFailing: async () => ({ splunk: true }) });
    const audit = instrumentAuditLog(memoryAudit(), metrics);
    await audit.append(base('request.verified', 'verified'));
    await audit.append({ ...base('request.verification_failed', 'refused'), verification: { factor: 'push', result: 'rejected' } });
    await audit.append(base('request.approval_requested', 'awaiting_approval', 0));
    await audit.append(base('request.approved', 'approved', 90_000));
    await audit.append(base('request.succeeded', 'succeeded'));
    await audit.append(base('request.secret_delivered', 'succeeded'));
    const text = await metrics.registry.metrics();
    expect(text).toContain('keyward_requests_total{intent="password_reset",outcome="succeeded"} 1');
    expect(text).toContain('keyward_stepup_results_total{result="approved"} 1');
    expect(text).toContain('keyward_stepup_results_total{result="rejected"} 1');
    expect(text).toContain('keyward_approval_latency_seconds_sum{outcome="approved"} 90');
    expect(text).toContain('keyward_queue_depth{queue="actions"} 3');
    expect(text).toContain('keyward_siem_backlog{destination="splunk"} 42');
    expect(text).toContain('keyward_siem_destination_failing{destination="splunk"} 1');
  });

  it('records the language model latency, tokens and fallbacks from the understood event', async () => {
    const metrics = createMetrics({});
    const audit = instrumentAuditLog(memoryAudit(), metrics);
    const understood = base('request.understood', 'understood');
    await audit.append({ ...understood, agent: { ...understood.agent, model: 'gpt-4o-mini', latencyMs: 420, tokens: { prompt: 300, completion: 40, total: 340 } } });
    await audit.append({ ...understood, agent: { ...understood.agent, model: 'gpt-4o-mini', fallbackReason: 'timeout: no answer in 4000 ms' } });
    const text = await metrics.registry.metrics();
    expect(text).toContain('keyward_classifier_latency_seconds_sum{model="gpt-4o-mini"} 0.42');
    expect(text).toContain('keyward_classifier_tokens_total{model="gpt-4o-mini",kind="prompt"} 300');
    expect(text).toContain('keyward_classifier_fallbacks_total{reason="timeout"} 1');
  });

  it('times every IdP call and counts 429s', async () => {
    const metrics = createMetrics();
    let t = 0;
    const idp = {
      name: 'okta',
      async getUser() {
        t += 250;
        return { id: 'u' };
      },
      async unlock() {
        t += 1000;
        throw new AppError('idp.rate_limited', 'slow down', { retryable: true });
      },
    } as unknown as IdentityProvider;
    const wrapped = instrumentIdentityProvider(idp, metrics, () => t);
    await wrapped.getUser('u');
    await expect(wrapped.unlock('u', { requestId: 'r' })).rejects.toThrow('slow down');
    expect(wrapped.name).toBe('okta');
    const text = await metrics.registry.metrics();
    expect(text).toContain('keyward_idp_request_duration_seconds_sum{operation="getUser",outcome="ok"} 0.25');
    expect(text).toContain('keyward_idp_request_duration_seconds_count{operation="unlock",outcome="idp.rate_limited"} 1');
    expect(text).toContain('keyward_idp_rate_limited_total{operation="unlock"} 1');
  });
});
