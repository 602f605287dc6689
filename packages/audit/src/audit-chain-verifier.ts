import type { AuditRecord } from '@keyward/core';
import { AUDIT_GENESIS_HASH, computeAuditHash } from './audit-hash';
import type { AuditChainFailure, AuditChainResult } from './audit-chain-result';

export interface AuditChainVerifier {
  /** Checks the next record in seq order. Returns the failure once the chain breaks, and keeps returning it. */
  push(record: AuditRecord): AuditChainFailure | undefined;
  result(): AuditChainResult;
}

/** Where verification starts: after `seq` whose hash is `hash` (a trusted checkpoint), or at the genesis. */
export interface AuditChainStart {
  seq: number;
  hash: string;
}

/**
 * Incremental verifier, so a store can stream millions of rows page by page without holding them.
 * Checks, per record: contiguous seq, link to the previous hash, and the recomputed hash.
 */
export function createAuditChainVerifier(start: AuditChainStart = { seq: 0, hash: AUDIT_GENESIS_HASH }): AuditChainVerifier {
  let lastSeq = start.seq;
  let lastHash = start.hash;
  let count = 0;
  let failure: AuditChainFailure | undefined;

  const fail = (firstBrokenSeq: number, reason: AuditChainFailure['reason'], message: string): AuditChainFailure => {
    failure = { ok: false, firstBrokenSeq, reason, message, count };
    return failure;
  };

  return {
    push(record) {
      if (failure) return failure;
      const expectedSeq = lastSeq + 1;
      if (!Number.isSafeInteger(record.seq) || record.seq < expectedSeq) {
        return fail(expectedSeq, 'seq_out_of_order', `expected seq ${expectedSeq}, found ${String(record.seq)} (reordered or duplicated)`);
      }
      if (record.seq > expectedSeq) {
        return fail(expectedSeq, 'seq_gap', `expected seq ${expectedSeq}, found ${record.seq} (record(s) missing)`);
      }
      if (record.prevHash !== lastHash) {
        return fail(record.seq, 'prev_hash_mismatch', `seq ${record.seq} does not link to the hash of seq ${lastSeq}`);
      }
      let recomputed: string;
      try {
        recomputed = computeAuditHash(record.prevHash, record);
      } catch (error) {
        return fail(record.seq, 'hash_mismatch', `seq ${record.seq} cannot be hashed: ${(error as Error).message}`);
      }
      if (recomputed !== record.hash) {
        return fail(record.seq, 'hash_mismatch', `seq ${record.seq} does not match its hash (edited)`);
      }
      lastSeq = record.seq;
      lastHash = record.hash;
      count += 1;
      return undefined;
    },
    result() {
      return failure ?? { ok: true, count, lastSeq, lastHash };
    },
  };
}
