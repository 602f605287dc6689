/**
 * In-memory fakes of every core port, for unit tests here and in other packages
 * (`@keyward/core/testing`). None of them is production code; none touches the network or disk.
 */
export { createFixedClock } from './fixed-clock';
export type { FixedClock } from './fixed-clock';
export { createMemoryRequestStore } from './memory-request-store';
export type { MemoryRequestStore } from './memory-request-store';
export { createMemoryAuditLog } from './memory-audit-log';
export type { MemoryAuditLog } from './memory-audit-log';
export { createMemoryQueue, jobIdOf } from './memory-queue';
export type { DrainOptions, JobDispatcher, MemoryQueue, RecordedJob } from './memory-queue';
export { createMemoryVault } from './memory-vault';
export type { MemoryVault } from './memory-vault';
export { createMemoryRateLimiter } from './memory-rate-limiter';
export type { MemoryRateLimiter } from './memory-rate-limiter';
export { createFakeIdentityProvider } from './fake-identity-provider';
export type { FakeIdentityProvider, FakeIdentityProviderOptions, FakeIdpUser, IdpOperation, IdpWriteOperation, IdpWriteRecord, FakeIdpApp } from './fake-identity-provider';
export { createFakeStepUp } from './fake-step-up';
export type { FakeStepUp, FakeStepUpOptions, StartedChallenge } from './fake-step-up';
export { createRecordingChatSurface } from './recording-chat-surface';
export type { ChatUserSpec, RecordedEscalation, RecordedPost, RecordingChatSurface, RecordingChatSurfaceOptions } from './recording-chat-surface';
export { RECORDING_HELPDESK_CHANNEL, recordingDmChannelId } from './recording-chat-surface';
export { classification, createStubClassifier, STUB_CLASSIFIER_ID } from './stub-classifier';
export type { StubClassifier } from './stub-classifier';
export { createFakePolicyEngine } from './fake-policy-engine';
export type { FakePolicyEngine, FakePolicyOptions } from './fake-policy-engine';
export { createRecordingLogger } from './recording-logger';
export type { LogEntry, RecordingLogger } from './recording-logger';
export { createCoreJobRunner, createTestCoreDeps, drainQueue } from './test-core-deps';
export type { TestCoreDeps, TestCoreDepsOptions } from './test-core-deps';
