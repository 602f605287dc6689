import type { AuditRecord } from '@keyward/core';

/*
 * Splunk HTTP Event Collector JSON event protocol (help.splunk.com "Format events for HTTP Event
 * Collector"): POST /services/collector/event with `Authorization: Splunk <token>`; each event is an
 * envelope `{time, host, source, sourcetype, index, event}` with `time` in epoch seconds (fractions
 * allowed); several envelopes are batched by concatenation in one body, not as a JSON array.
 */
export interface HecMetadata {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

export function toHecEnvelope(record: AuditRecord, metadata: HecMetadata): Record<string, unknown> {
  const at = record.at instanceof Date ? record.at : new Date(record.at);
  const envelope: Record<string, unknown> = {
    time: at.getTime() / 1000,
    host: metadata.host,
    source: metadata.source ?? 'keyward',
    sourcetype: metadata.sourcetype ?? 'keyward:audit',
    event: { ...record, at: at.toISOString() },
  };
  if (metadata.index) envelope.index = metadata.index;
  return envelope;
}

export function hecBatchBody(records: readonly AuditRecord[], metadata: HecMetadata): string {
  return records.map((record) => JSON.stringify(toHecEnvelope(record, metadata))).join('\n');
}
