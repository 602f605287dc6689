import type { AuditRecord } from '@keyward/core';

/*
 * ArcSight Common Event Format (CEF) version 0:
 *   CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension
 * Escaping (Micro Focus "Implementing ArcSight CEF", also summarised in Kaspersky's KWTS CEF page):
 * in header fields a backslash becomes `\\` and a pipe `\|`; in extension values a backslash becomes
 * `\\`, an equals sign `\=`, and line breaks `\n` / `\r` (multi-line text is only allowed there).
 * Pipes need no escaping in the extension; extension keys are fixed alphanumeric names.
 */

export function escapeCefHeader(value: string): string {
  // Line breaks are not allowed in the header at all: fold them into spaces.
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function escapeCefExtensionValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

/** 0–10; the SIEM's triage order. Refusals and anomalies matter more than routine transitions. */
export function cefSeverity(record: Pick<AuditRecord, 'type'>): number {
  const type = record.type;
  if (type.startsWith('security.')) return 8;
  if (/refused|escalated|verification_failed|denied|delivery_failed/.test(type)) return 6;
  if (/failed/.test(type)) return 5;
  if (type === 'request.succeeded') return 4;
  return 3;
}

export interface CefOptions {
  vendor?: string;
  product?: string;
  productVersion: string;
}

/** One audit record as a CEF line. Custom strings carry what CEF has no standard key for, labelled. */
export function formatCef(record: AuditRecord, options: CefOptions): string {
  const header = [
    'CEF:0',
    escapeCefHeader(options.vendor ?? 'Keyward'),
    escapeCefHeader(options.product ?? 'Keyward'),
    escapeCefHeader(options.productVersion),
    escapeCefHeader(record.type),
    escapeCefHeader(record.action ? `${record.type} ${record.action}` : record.type),
    String(cefSeverity(record)),
  ].join('|');
  const at = record.at instanceof Date ? record.at : new Date(record.at);
  const fields: [string, string | number | undefined][] = [
    ['rt', at.getTime()],
    ['externalId', record.requestId],
    ['act', record.action],
    ['suser', record.requester.chatUserId],
    ['suid', record.requester.idpUserId],
    ['duid', record.target?.idpUserId],
    ['outcome', record.outcome],
    ['cs1Label', 'policyDecision'],
    ['cs1', record.policy ? [record.policy.decision, record.policy.rule].filter(Boolean).join(' ') || undefined : undefined],
    ['cs2Label', 'idpRequestId'],
    ['cs2', record.idpRequestId],
    ['cs3Label', 'auditHash'],
    ['cs3', record.hash],
    ['cs4Label', 'intent'],
    ['cs4', record.agent.intent],
    ['cs5Label', 'channel'],
    ['cs5', [record.channel.surface, record.channel.channelId, record.channel.threadId].filter(Boolean).join('/')],
    ['cs6Label', 'policyHash'],
    ['cs6', record.policy?.hash],
    ['cn1Label', 'auditSeq'],
    ['cn1', record.seq],
    ['cfp1Label', 'confidence'],
    ['cfp1', record.agent.confidence],
    ['msg', record.details ? JSON.stringify(record.details) : undefined],
  ];
  // A label without its value is noise; drop both.
  const present = fields.filter(([key, value], index) => {
    if (value === undefined || value === '') return false;
    if (key.endsWith('Label')) return fields[index + 1]?.[1] !== undefined && fields[index + 1]?.[1] !== '';
    return true;
  });
  const extension = present.map(([key, value]) => `${key}=${escapeCefExtensionValue(String(value))}`).join(' ');
  return `${header}|${extension}`;
}
