import type { AuditLog, ChatSurface, Clock, Logger } from '@keyward/core';
import type { KeywardMetrics } from '../runtime/metrics';

export interface SecurityAlert {
  /** e.g. `siem.destination_failing`, `anomaly.volume_spike`. */
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  summary: string;
  /** The numbers behind the alert, shown to the security channel and stored in the audit event. */
  facts: Record<string, string>;
  /** Also write an audit event (default on): it reaches the SIEM through the outbox. */
  audit?: boolean;
}

export type SecurityAlerter = (alert: SecurityAlert) => Promise<void>;

/** Audit events about the bot itself, not about a request, share this request id. */
export const SYSTEM_REQUEST_ID = 'system';

/**
 * Security alerts go three ways, each independent of the others: the error log (always), the security
 * channel via the chat surface's escalation path (when a surface is configured), and an audit event
 * `security.<kind>` (hash-chained, and forwarded to the SIEM by the outbox — for a SIEM outage it
 * arrives once the SIEM is back, which is the record an investigator needs). A failing channel must not
 * hide the alert: each path's error is logged and the others still run.
 */
export function createSecurityAlerter(deps: { logger: Logger; surface?: ChatSurface; audit: AuditLog; clock: Clock; metrics?: KeywardMetrics; agent: { name: string; version: string } }): SecurityAlerter {
  return async (alert) => {
    deps.metrics?.securityAlerts.inc({ kind: alert.kind });
    const log = alert.severity === 'info' ? deps.logger.warn.bind(deps.logger) : deps.logger.error.bind(deps.logger);
    log({ alert: alert.kind, severity: alert.severity, ...alert.facts }, `SECURITY ALERT: ${alert.summary}`);
    if (deps.surface) {
      try {
        await deps.surface.escalate({ reason: `[security] ${alert.summary}`, facts: { alert: alert.kind, ...alert.facts }, severity: alert.severity });
      } catch (error) {
        deps.logger.error({ alert: alert.kind, err: error instanceof Error ? error.message : String(error) }, 'could not post the security alert to chat');
      }
    }
    if (alert.audit !== false) {
      try {
        await deps.audit.append({
          requestId: SYSTEM_REQUEST_ID,
          at: deps.clock.now(),
          type: `security.${alert.kind}`,
          channel: { surface: 'system' },
          requester: {},
          agent: { name: deps.agent.name, version: deps.agent.version },
          outcome: alert.summary,
          details: { severity: alert.severity, ...alert.facts },
        });
      } catch (error) {
        deps.logger.error({ alert: alert.kind, err: error instanceof Error ? error.message : String(error) }, 'could not record the security alert in the audit log');
      }
    }
  };
}
