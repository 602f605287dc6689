import { AUDIT_GENESIS_HASH, computeAuditHash } from './audit-hash';
import { sampleAuditEvent } from './audit-test-events';

describe('computeAuditHash', () => {
  const event = { ...sampleAuditEvent(1), seq: 1 };

  it('is a SHA-256 hex digest and the genesis is 64 zeros', () => {
    expect(AUDIT_GENESIS_HASH).toMatch(/^0{64}$/);
    expect(computeAuditHash(AUDIT_GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable across key order and Date vs ISO string (what storage gives back)', () => {
    const reordered = JSON.parse(JSON.stringify(event)) as typeof event;
    expect(computeAuditHash(AUDIT_GENESIS_HASH, reordered)).toBe(computeAuditHash(AUDIT_GENESIS_HASH, event));
  });

  it('changes with any field, the seq and the previous hash', () => {
    const base = computeAuditHash(AUDIT_GENESIS_HASH, event);
    expect(computeAuditHash(AUDIT_GENESIS_HASH, { ...event, outcome: 'x' })).not.toBe(base);
    expect(computeAuditHash(AUDIT_GENESIS_HASH, { ...event, seq: 2 })).not.toBe(base);
    expect(computeAuditHash(AUDIT_GENESIS_HASH, { ...event, agent: { ...event.agent, confidence: 0.91 } })).not.toBe(base);
    expect(computeAuditHash('f'.repeat(64), event)).not.toBe(base);
  });

  it('ignores prevHash and hash fields carried on a record', () => {
    const base = computeAuditHash(AUDIT_GENESIS_HASH, event);
    expect(computeAuditHash(AUDIT_GENESIS_HASH, { ...event, prevHash: 'x', hash: 'y' })).toBe(base);
  });
});
