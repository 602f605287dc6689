import type { AuditRecord } from '@keyward/core';
import { AUDIT_GENESIS_HASH, computeAuditHash } from './audit-hash';
import { createAuditChainVerifier } from './audit-chain-verifier';
import { buildAuditChain } from './audit-test-events';
import { verifyAuditChain } from './verify-audit-chain';

describe('verifyAuditChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const chain = buildAuditChain(10);
    expect(verifyAuditChain(chain)).toEqual({ ok: true, count: 10, lastSeq: 10, lastHash: chain[9]?.hash });
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0, lastSeq: 0, lastHash: AUDIT_GENESIS_HASH });
  });

  it('detects an edited field', () => {
    const chain = buildAuditChain(5);
    chain[2] = { ...chain[2]!, outcome: 'succeeded' };
    expect(verifyAuditChain(chain)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'hash_mismatch', count: 2 });
  });

  it('detects an edited nested field', () => {
    const chain = buildAuditChain(5);
    chain[1] = { ...chain[1]!, requester: { chatUserId: 'U-attacker' } };
    expect(verifyAuditChain(chain)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: 'hash_mismatch' });
  });

  it('detects a deleted row', () => {
    const chain = buildAuditChain(5);
    chain.splice(2, 1);
    expect(verifyAuditChain(chain)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'seq_gap' });
  });

  it('detects a deleted row whose successors were renumbered', () => {
    const chain = buildAuditChain(5);
    chain.splice(2, 1);
    const renumbered = chain.map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verifyAuditChain(renumbered)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'prev_hash_mismatch' });
  });

  it('detects a reordered row', () => {
    const chain = buildAuditChain(5);
    const swapped = [chain[0]!, chain[2]!, chain[1]!, chain[3]!, chain[4]!];
    expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: 'seq_gap' });
    const sameSeqs = swapped.map((record, index) => ({ ...record, seq: index + 1 }));
    expect(verifyAuditChain(sameSeqs)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: 'prev_hash_mismatch' });
  });

  it('detects a duplicated row', () => {
    const chain = buildAuditChain(3);
    expect(verifyAuditChain([...chain, chain[2]!])).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'seq_out_of_order' });
  });

  it('detects a changed hash', () => {
    const chain = buildAuditChain(5);
    chain[4] = { ...chain[4]!, hash: 'a'.repeat(64) };
    expect(verifyAuditChain(chain)).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'hash_mismatch' });
  });

  it('detects a row rewritten with a freshly computed hash by its broken successor link', () => {
    const chain = buildAuditChain(5);
    const forged: AuditRecord = { ...chain[2]!, outcome: 'forged' };
    forged.hash = computeAuditHash(forged.prevHash, forged);
    chain[2] = forged;
    expect(verifyAuditChain(chain)).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'prev_hash_mismatch' });
  });

  it('resumes from a trusted checkpoint', () => {
    const chain = buildAuditChain(6);
    const checkpoint = chain[2]!;
    expect(verifyAuditChain(chain.slice(3), { seq: checkpoint.seq, hash: checkpoint.hash })).toMatchObject({ ok: true, count: 3, lastSeq: 6 });
  });

  it('keeps reporting the first break when fed more records', () => {
    const chain = buildAuditChain(4);
    chain[1] = { ...chain[1]!, type: 'edited' };
    const verifier = createAuditChainVerifier();
    const results = chain.map((record) => verifier.push(record));
    expect(results[0]).toBeUndefined();
    expect(results[3]).toMatchObject({ firstBrokenSeq: 2 });
    expect(verifier.result()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
