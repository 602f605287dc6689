export { createDemoDirectory, DEMO_PEOPLE } from './demo-directory';
export { createFakePhoneSimulator } from './fake-phone-simulator';
export type { FakePhoneSimulator, PushOutcome } from './fake-phone-simulator';
export { createRecordingHandlers } from './recording-handlers';
export type { RecordingHandlers } from './recording-handlers';
export { createDemoBot } from './demo-bot';
export type { DemoBotDeps } from './demo-bot';
export { startConsolePreview } from './console-preview';
export { openSseReader } from './sse-reader';
export type { SseMessage, SseReader } from './sse-reader';
// The port fakes are core's; re-exported so console tests and the preview import one place.
export { createMemoryAuditLog, createRecordingLogger } from '@keyward/core/testing';
export type { RecordingLogger } from '@keyward/core/testing';
