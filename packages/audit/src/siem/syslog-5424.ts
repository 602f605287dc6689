/*
 * RFC 5424 syslog messages and RFC 6587 octet-counting framing (the framing RFC 5425 mandates for TLS,
 * and the one that survives newlines inside a message on plain TCP).
 *   SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]
 *   HEADER     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 * HOSTNAME ≤255, APP-NAME ≤48, PROCID ≤128, MSGID ≤32 printable US-ASCII (33..126), "-" when empty.
 * SD-PARAM values escape `"`, `\` and `]` with a backslash (RFC 5424 §6.3.3).
 */

/** Facility 13 = "log audit" (RFC 5424 table 1). */
export const SYSLOG_FACILITY_LOG_AUDIT = 13;

/** Private enterprise number 32473 is reserved for documentation and examples (RFC 5612). */
export const KEYWARD_SD_ID = 'keyward@32473';

export type SyslogSeverity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface SyslogMessage {
  facility?: number;
  severity: SyslogSeverity;
  timestamp: Date;
  hostname: string;
  appName: string;
  procId?: string;
  msgId?: string;
  structuredData?: { id: string; params: Record<string, string | number | undefined> }[];
  message: string;
}

function headerField(value: string | undefined, max: number): string {
  const printable = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return printable === '' ? '-' : printable;
}

export function escapeSdParamValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

export function formatSyslog5424(message: SyslogMessage): string {
  const pri = (message.facility ?? SYSLOG_FACILITY_LOG_AUDIT) * 8 + message.severity;
  const sd =
    message.structuredData && message.structuredData.length > 0
      ? message.structuredData
          .map((element) => {
            // SD-NAME: printable ASCII except '=', ' ', ']', '"' — max 32.
            const params = Object.entries(element.params)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => `${k.replace(/[^\x21-\x7e]|[= \]"]/g, '').slice(0, 32)}="${escapeSdParamValue(String(v))}"`);
            return `[${element.id}${params.length ? ` ${params.join(' ')}` : ''}]`;
          })
          .join('')
      : '-';
  // MSG is sent as plain UTF-8 without a BOM (MSG-ANY): several collectors display a BOM as garbage.
  return `<${pri}>1 ${message.timestamp.toISOString()} ${headerField(message.hostname, 255)} ${headerField(message.appName, 48)} ${headerField(message.procId, 128)} ${headerField(message.msgId, 32)} ${sd} ${message.message}`;
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes, not characters. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Splits an octet-counted stream (for receivers and tests); returns the messages and the unread rest. */
export function parseOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(buffer.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new Error(`bad octet count at byte ${offset}`);
    if (buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}
