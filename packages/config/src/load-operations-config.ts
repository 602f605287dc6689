import { readFileSync } from 'node:fs';
import type { OperationsEnv } from './operations.schema';

export interface SiemConfig {
  jsonl?: { target: 'stdout' | string };
  splunk?: { url: string; token: string; index?: string; sourcetype?: string };
  syslog?: { url: string };
  webhook?: { url: string; secret: string };
  /** PEM of an extra CA for HTTPS/TLS destinations. */
  ca?: string;
  drainIntervalMs: number;
  batchSize: number;
  maxBackoffMs: number;
  alertAfterMs: number;
}

export interface OperationsConfig {
  audit: { retentionDays?: number };
  siem: SiemConfig;
  /** Names of the configured SIEM destinations (the outbox is written only when there is one). */
  siemDestinations: string[];
  credentials: { rotationDays: number; oktaRotatedAt?: Date; slackRotatedAt?: Date; azureRotatedAt?: Date };
  /** Where security alerts go (anomalies, SIEM outages): this channel, else the escalation channel. */
  securityChannel?: string;
  anomaly: { enabled: boolean; businessHours?: string; timeZone: string; windowMinutes: number; baselineDays: number; minCount: number };
  logRedactPaths: string[];
  migrateDatabase: boolean;
}

/** Secrets that may come from NAME_FILE (added to load-config's list). */
export const OPERATIONS_SECRET_VARIABLES = ['SIEM_SPLUNK_HEC_TOKEN', 'SIEM_WEBHOOK_SECRET'] as const;

/** Turns the parsed variables into typed options; pushes every problem onto `problems`. */
export function toOperationsConfig(e: OperationsEnv, problems: string[]): OperationsConfig {
  if (e.SIEM_SPLUNK_HEC_URL && !e.SIEM_SPLUNK_HEC_TOKEN) problems.push('SIEM_SPLUNK_HEC_TOKEN is required with SIEM_SPLUNK_HEC_URL');
  if (e.SIEM_WEBHOOK_URL && !e.SIEM_WEBHOOK_SECRET) problems.push('SIEM_WEBHOOK_SECRET is required with SIEM_WEBHOOK_URL (receivers must be able to check the HMAC)');
  if (e.SIEM_WEBHOOK_SECRET && e.SIEM_WEBHOOK_SECRET.length < 16) problems.push('SIEM_WEBHOOK_SECRET must be at least 16 characters');
  let ca: string | undefined;
  if (e.SIEM_TLS_CA_FILE) {
    try {
      ca = readFileSync(e.SIEM_TLS_CA_FILE, 'utf8');
    } catch (error) {
      problems.push(`SIEM_TLS_CA_FILE: cannot read ${e.SIEM_TLS_CA_FILE} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const siem: SiemConfig = {
    drainIntervalMs: e.SIEM_DRAIN_INTERVAL_MS,
    batchSize: e.SIEM_BATCH_SIZE,
    maxBackoffMs: e.SIEM_MAX_BACKOFF_MS,
    alertAfterMs: e.SIEM_ALERT_AFTER_SECONDS * 1000,
    ...(ca ? { ca } : {}),
  };
  if (e.SIEM_JSONL) siem.jsonl = { target: e.SIEM_JSONL };
  if (e.SIEM_SPLUNK_HEC_URL && e.SIEM_SPLUNK_HEC_TOKEN) siem.splunk = { url: e.SIEM_SPLUNK_HEC_URL, token: e.SIEM_SPLUNK_HEC_TOKEN, index: e.SIEM_SPLUNK_INDEX, sourcetype: e.SIEM_SPLUNK_SOURCETYPE };
  if (e.SIEM_SYSLOG_URL) siem.syslog = { url: e.SIEM_SYSLOG_URL };
  if (e.SIEM_WEBHOOK_URL && e.SIEM_WEBHOOK_SECRET) siem.webhook = { url: e.SIEM_WEBHOOK_URL, secret: e.SIEM_WEBHOOK_SECRET };
  const siemDestinations = [siem.jsonl && 'jsonl', siem.splunk && 'splunk', siem.syslog && 'syslog', siem.webhook && 'webhook'].filter((d): d is string => typeof d === 'string');

  if (e.ANOMALY_BUSINESS_HOURS && !/^([a-z]{3}(-[a-z]{3})?\s+\d{1,2}:\d{2}-\d{1,2}:\d{2})(\s*;\s*[a-z]{3}(-[a-z]{3})?\s+\d{1,2}:\d{2}-\d{1,2}:\d{2})*$/i.test(e.ANOMALY_BUSINESS_HOURS)) {
    problems.push('ANOMALY_BUSINESS_HOURS must look like "Mon-Fri 08:00-19:00" (several ranges separated by ";")');
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: e.ANOMALY_TIMEZONE });
  } catch {
    problems.push(`ANOMALY_TIMEZONE "${e.ANOMALY_TIMEZONE}" is not an IANA time zone (e.g. Europe/Paris)`);
  }
  return {
    audit: { retentionDays: e.AUDIT_RETENTION_DAYS },
    siem,
    siemDestinations,
    credentials: {
      rotationDays: e.CREDENTIAL_ROTATION_DAYS,
      ...(e.OKTA_CREDENTIAL_ROTATED_AT ? { oktaRotatedAt: new Date(e.OKTA_CREDENTIAL_ROTATED_AT) } : {}),
      ...(e.SLACK_CREDENTIAL_ROTATED_AT ? { slackRotatedAt: new Date(e.SLACK_CREDENTIAL_ROTATED_AT) } : {}),
      ...(e.AZURE_CREDENTIAL_ROTATED_AT ? { azureRotatedAt: new Date(e.AZURE_CREDENTIAL_ROTATED_AT) } : {}),
    },
    securityChannel: e.SLACK_SECURITY_CHANNEL,
    anomaly: { enabled: e.ANOMALY_WATCH === 'true', businessHours: e.ANOMALY_BUSINESS_HOURS, timeZone: e.ANOMALY_TIMEZONE, windowMinutes: e.ANOMALY_WINDOW_MINUTES, baselineDays: e.ANOMALY_BASELINE_DAYS, minCount: e.ANOMALY_MIN_COUNT },
    logRedactPaths: (e.LOG_REDACT_PATHS ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    migrateDatabase: e.DATABASE_MIGRATE === 'true',
  };
}
