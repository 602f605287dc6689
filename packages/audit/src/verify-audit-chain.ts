import type { AuditRecord } from '@keyward/core';
import { createAuditChainVerifier } from './audit-chain-verifier';
import type { AuditChainStart } from './audit-chain-verifier';
import type { AuditChainResult } from './audit-chain-result';

/**
 * Verifies records given in seq order, from the genesis unless `start` names a trusted checkpoint.
 * Reports the first broken link only: everything after it is unproven anyway.
 */
export function verifyAuditChain(records: Iterable<AuditRecord>, start?: AuditChainStart): AuditChainResult {
  const verifier = createAuditChainVerifier(start);
  for (const record of records) {
    if (verifier.push(record)) break;
  }
  return verifier.result();
}
