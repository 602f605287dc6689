import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './load-config';

describe('operations configuration (issue #6)', () => {
  it('defaults: no retention, no SIEM, 90-day rotation, anomaly watch on in UTC', () => {
    const { operations } = loadConfig({});
    expect(operations).toMatchObject({ audit: { retentionDays: undefined }, siemDestinations: [], credentials: { rotationDays: 90 }, anomaly: { enabled: true, timeZone: 'UTC', windowMinutes: 60, baselineDays: 14 }, migrateDatabase: true });
    expect(operations.siem).toMatchObject({ drainIntervalMs: 2000, batchSize: 200, maxBackoffMs: 300_000, alertAfterMs: 60_000 });
  });

  it('reads every SIEM destination, secrets from *_FILE, and a CA file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-ops-'));
    writeFileSync(path.join(dir, 'hec'), 'hec-token-from-file\n');
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const { operations } = loadConfig({
      SIEM_JSONL: 'stdout',
      SIEM_SPLUNK_HEC_URL: 'https://splunk.example.com:8088',
      SIEM_SPLUNK_HEC_TOKEN_FILE: path.join(dir, 'hec'),
      SIEM_SPLUNK_INDEX: 'security',
      SIEM_SYSLOG_URL: 'tls://siem.example.com:6514',
      SIEM_WEBHOOK_URL: 'https://hooks.example.com/keyward',
      SIEM_WEBHOOK_SECRET: 'a-long-enough-secret',
      SIEM_TLS_CA_FILE: path.join(dir, 'ca.pem'),
      AUDIT_RETENTION_DAYS: '400',
      OKTA_CREDENTIAL_ROTATED_AT: '2025-01-15',
      ANOMALY_BUSINESS_HOURS: 'Mon-Fri 08:00-19:00; Sat 09:00-12:00',
      ANOMALY_TIMEZONE: 'Europe/Paris',
      LOG_REDACT_PATHS: 'body.answer, *.ssn',
    });
    expect(operations.siemDestinations).toEqual(['jsonl', 'splunk', 'syslog', 'webhook']);
    expect(operations.siem.splunk).toEqual({ url: 'https://splunk.example.com:8088', token: 'hec-token-from-file', index: 'security', sourcetype: undefined });
    expect(operations.siem.ca).toContain('BEGIN CERTIFICATE');
    expect(operations.audit.retentionDays).toBe(400);
    expect(operations.credentials.oktaRotatedAt?.toISOString()).toBe('2025-01-15T00:00:00.000Z');
    expect(operations.logRedactPaths).toEqual(['body.answer', '*.ssn']);
  });

  it('lists every operations problem at once', () => {
    let message = '';
    try {
      loadConfig({ SIEM_SPLUNK_HEC_URL: 'https://s:8088', SIEM_WEBHOOK_URL: 'https://h', SIEM_SYSLOG_URL: 'udp://x:514', AUDIT_RETENTION_DAYS: '0', OKTA_CREDENTIAL_ROTATED_AT: 'last spring', ANOMALY_TIMEZONE: 'Mars/Base', ANOMALY_BUSINESS_HOURS: '9 to 5' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of [/SIEM_SYSLOG_URL must be tcp/, /AUDIT_RETENTION_DAYS/, /OKTA_CREDENTIAL_ROTATED_AT must be an ISO date/]) expect(message).toMatch(expected);
    try {
      loadConfig({ SIEM_SPLUNK_HEC_URL: 'https://s:8088', SIEM_WEBHOOK_URL: 'https://h', ANOMALY_TIMEZONE: 'Mars/Base', ANOMALY_BUSINESS_HOURS: '9 to 5' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of [/SIEM_SPLUNK_HEC_TOKEN is required/, /SIEM_WEBHOOK_SECRET is required/, /ANOMALY_TIMEZONE/, /ANOMALY_BUSINESS_HOURS/]) expect(message).toMatch(expected);
  });
});
