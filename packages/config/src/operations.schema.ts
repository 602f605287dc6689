import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalInt = (name: string, min: number, max: number) =>
  optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max), { message: `${name} must be a whole number from ${min} to ${max}` })
    .transform((v) => (v === undefined ? undefined : Number(v)));
const isoDate = (name: string) =>
  optionalString.refine((v) => v === undefined || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), { message: `${name} must be an ISO date (YYYY-MM-DD)` });

/**
 * Operations variables (issue #6): audit retention, SIEM destinations, credential rotation dates,
 * the anomaly watch, log redaction. Kept apart from the core contract in config.schema.ts.
 */
export const operationsEnvSchema = z.object({
  AUDIT_RETENTION_DAYS: optionalInt('AUDIT_RETENTION_DAYS', 1, 36_500),

  SIEM_JSONL: optionalString,
  SIEM_SPLUNK_HEC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'SIEM_SPLUNK_HEC_URL must be an http(s) URL' }),
  SIEM_SPLUNK_HEC_TOKEN: optionalString,
  SIEM_SPLUNK_INDEX: optionalString,
  SIEM_SPLUNK_SOURCETYPE: optionalString,
  SIEM_SYSLOG_URL: optionalString.refine((v) => v === undefined || /^(tcp|tls):\/\/[^\s/]+:\d+\/?$/.test(v), { message: 'SIEM_SYSLOG_URL must be tcp://host:port or tls://host:port' }),
  SIEM_WEBHOOK_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'SIEM_WEBHOOK_URL must be an http(s) URL' }),
  SIEM_WEBHOOK_SECRET: optionalString,
  SIEM_TLS_CA_FILE: optionalString,
  SIEM_DRAIN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  SIEM_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  SIEM_MAX_BACKOFF_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  SIEM_ALERT_AFTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),

  CREDENTIAL_ROTATION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  OKTA_CREDENTIAL_ROTATED_AT: isoDate('OKTA_CREDENTIAL_ROTATED_AT'),
  SLACK_CREDENTIAL_ROTATED_AT: isoDate('SLACK_CREDENTIAL_ROTATED_AT'),
  /** When AZURE_CLIENT_SECRET (or the certificate) of the Entra app registration was last rotated. */
  AZURE_CREDENTIAL_ROTATED_AT: isoDate('AZURE_CREDENTIAL_ROTATED_AT'),
  SLACK_SECURITY_CHANNEL: optionalString,

  ANOMALY_WATCH: z.enum(['true', 'false']).default('true'),
  ANOMALY_BUSINESS_HOURS: optionalString,
  ANOMALY_TIMEZONE: z.string().default('UTC'),
  ANOMALY_WINDOW_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  ANOMALY_BASELINE_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  ANOMALY_MIN_COUNT: z.coerce.number().int().min(1).max(100_000).default(5),

  LOG_REDACT_PATHS: optionalString,
  DATABASE_MIGRATE: z.enum(['true', 'false']).default('true'),
});

export type OperationsEnv = z.infer<typeof operationsEnvSchema>;
