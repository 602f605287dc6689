import { createHash } from 'node:crypto';
import type { AuditEventInput } from '@keyward/core';
import { canonicalJson } from './canonical-json';

/** `prevHash` of the first record: 64 zeros, a value no SHA-256 output is expected to take. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** What a record's hash covers: the event and its position. `prevHash`/`hash` may be present and are ignored. */
export type AuditHashInput = AuditEventInput & { seq: number; prevHash?: string; hash?: string };

/**
 * SHA-256 (hex) over `prevHash` followed by the canonical JSON of the event including `seq`.
 * Including `seq` makes a row moved to another position fail even if its neighbours were re-linked;
 * chaining `prevHash` makes deleting or editing any earlier row break every later link.
 */
export function computeAuditHash(prevHash: string, event: AuditHashInput): string {
  const { prevHash: _ignoredPrev, hash: _ignoredHash, ...covered } = event;
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalJson(covered), 'utf8').digest('hex');
}
