/** Why a chain is broken, as a code callers can branch on (the `message` is for people). */
export type AuditChainBreak =
  /** A seq is missing: a row was deleted (or never committed, which the store rules out). */
  | 'seq_gap'
  /** A seq repeats or goes backwards: rows were reordered or duplicated. */
  | 'seq_out_of_order'
  /** The row does not point at its predecessor's hash: a row was removed, inserted or re-linked. */
  | 'prev_hash_mismatch'
  /** Recomputing the row's hash gives another value: a field or the hash itself was edited. */
  | 'hash_mismatch'
  /** The stored row disagrees with itself (an indexed column edited apart from the hashed body). */
  | 'row_mismatch'
  /** The chain ends before the recorded head: rows were cut off the end. */
  | 'head_mismatch';

export type AuditChainResult =
  | { ok: true; count: number; lastSeq: number; lastHash: string }
  | { ok: false; firstBrokenSeq: number; reason: AuditChainBreak; message: string; count: number };

export type AuditChainFailure = Extract<AuditChainResult, { ok: false }>;
