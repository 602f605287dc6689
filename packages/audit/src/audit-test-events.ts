import type { AuditEventInput, AuditRecord } from '@keyward/core';
import { AUDIT_GENESIS_HASH, computeAuditHash } from './audit-hash';

/** Test helper: a plausible event. */
export function sampleAuditEvent(n: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    requestId: `req-${n % 3}`,
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)),
    type: 'request.understood',
    state: 'understood',
    channel: { surface: 'console', channelId: 'C1' },
    requester: { chatUserId: 'U1', idpUserId: 'okta-1' },
    action: 'password_reset',
    params: { n },
    agent: { name: 'keyward', version: '0.1.0', intent: 'password_reset', confidence: 0.9 },
    ...overrides,
  };
}

/** Test helper: a correctly chained list of records. */
export function buildAuditChain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const event = sampleAuditEvent(seq);
    const hash = computeAuditHash(prevHash, { ...event, seq });
    records.push({ ...event, seq, prevHash, hash });
    prevHash = hash;
  }
  return records;
}
