export { canonicalJson } from './canonical-json';
export { AUDIT_GENESIS_HASH, computeAuditHash } from './audit-hash';
export type { AuditHashInput } from './audit-hash';
export type { AuditChainBreak, AuditChainResult, AuditChainFailure } from './audit-chain-result';
export { createAuditChainVerifier } from './audit-chain-verifier';
export type { AuditChainVerifier, AuditChainStart } from './audit-chain-verifier';
export { verifyAuditChain } from './verify-audit-chain';
export { redactForAudit, REDACTED } from './redact-for-audit';
