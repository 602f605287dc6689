export { createMemorySiemOutbox } from './memory-siem-outbox';
export { buildAuditChain, sampleAuditEvent } from '../audit-test-events';
