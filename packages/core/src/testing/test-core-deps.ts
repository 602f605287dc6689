import type { SurfaceName } from '../domain/chat';
import type { Classification } from '../domain/intent';
import type { CoreDeps } from '../use-cases/core-deps';
import { executeAction } from '../use-cases/execute-action';
import type { Notification } from '../use-cases/notify';
import { deliverNotification } from '../use-cases/notify';
import { pollStepUp } from '../use-cases/poll-step-up';
import { processRequest } from '../use-cases/process-request';
import { announceAccessExpiry, expireAccess } from '../use-cases/access-expiry';
import { expireApproval, pollApproverStepUp, postApprovalCard, processApprovalClick, remindApproval } from '../use-cases/handle-approval';
import type { FakeIdentityProvider, FakeIdpUser } from './fake-identity-provider';
import { createFakeIdentityProvider } from './fake-identity-provider';
import type { FakePolicyEngine } from './fake-policy-engine';
import { createFakePolicyEngine } from './fake-policy-engine';
import type { FakeStepUp } from './fake-step-up';
import { createFakeStepUp } from './fake-step-up';
import type { FixedClock } from './fixed-clock';
import { createFixedClock } from './fixed-clock';
import type { MemoryAuditLog } from './memory-audit-log';
import { createMemoryAuditLog } from './memory-audit-log';
import type { JobDispatcher, MemoryQueue, RecordedJob } from './memory-queue';
import { createMemoryQueue } from './memory-queue';
import type { MemoryRateLimiter } from './memory-rate-limiter';
import { createMemoryRateLimiter } from './memory-rate-limiter';
import type { MemoryRequestStore } from './memory-request-store';
import { createMemoryRequestStore } from './memory-request-store';
import type { MemoryVault } from './memory-vault';
import { createMemoryVault } from './memory-vault';
import type { ChatUserSpec, RecordingChatSurface, RecordingChatSurfaceOptions } from './recording-chat-surface';
import { createRecordingChatSurface } from './recording-chat-surface';
import type { RecordingLogger } from './recording-logger';
import { createRecordingLogger } from './recording-logger';
import type { StubClassifier } from './stub-classifier';
import { createStubClassifier } from './stub-classifier';

/** CoreDeps whose ports are the in-memory fakes, typed as such so tests can drive and inspect them. */
export interface TestCoreDeps extends CoreDeps {
  store: MemoryRequestStore;
  audit: MemoryAuditLog;
  queue: MemoryQueue;
  idp: FakeIdentityProvider;
  stepUp: FakeStepUp;
  policy: FakePolicyEngine;
  classifier: StubClassifier;
  vault: MemoryVault;
  rateLimiter: MemoryRateLimiter;
  clock: FixedClock;
  logger: RecordingLogger;
  /** The one chat surface wired in (also in `chats`). */
  chat: RecordingChatSurface;
}

export interface TestCoreDepsOptions extends Partial<Omit<TestCoreDeps, 'chats'>> {
  surface?: SurfaceName;
  /** IdP users, when `idp` is not given. */
  users?: FakeIdpUser[];
  /** Chat users by chat id, when `chat` is not given. */
  chatUsers?: Record<string, ChatUserSpec>;
  /** Options of the recording surface, when `chat` is not given (Teams-like object ids, unreachable users). */
  chatOptions?: RecordingChatSurfaceOptions;
  /** Message text → classification, when `classifier` is not given. */
  classifications?: Record<string, Partial<Classification>>;
  start?: Date | string;
}

export function createTestCoreDeps(options: TestCoreDepsOptions = {}): TestCoreDeps {
  const { surface = 'console', users, chatUsers, chatOptions, classifications, start, ...given } = options;
  const clock = given.clock ?? createFixedClock(start);
  const chat = given.chat ?? createRecordingChatSurface(surface, chatUsers, chatOptions);
  return {
    store: given.store ?? createMemoryRequestStore(),
    audit: given.audit ?? createMemoryAuditLog(),
    queue: given.queue ?? createMemoryQueue(),
    idp: given.idp ?? createFakeIdentityProvider(users),
    stepUp: given.stepUp ?? createFakeStepUp({ clock }),
    policy: given.policy ?? createFakePolicyEngine(),
    classifier: given.classifier ?? createStubClassifier(classifications),
    vault: given.vault ?? createMemoryVault(),
    rateLimiter: given.rateLimiter ?? createMemoryRateLimiter(),
    clock,
    logger: given.logger ?? createRecordingLogger(),
    agent: given.agent ?? { name: 'keyward-test', version: '0.0.0-test' },
    stepUpPoll: given.stepUpPoll ?? { intervalMs: 5_000 },
    chat,
    chats: { [chat.surface]: chat },
  };
}

/**
 * Runs one queued job through the core use cases, the way the worker app's processors do.
 * Kept here so every core test exercises the same routing.
 */
export function createCoreJobRunner(deps: CoreDeps): JobDispatcher {
  return async (job: RecordedJob) => {
    switch (job.name) {
      case 'request.process':
        return processRequest(deps, job.requestId, { noDevice: job.payload?.noDevice === true });
      case 'stepup.poll': {
        const attempt = typeof job.payload?.attempt === 'number' ? job.payload.attempt : 1;
        return pollStepUp(deps, job.requestId, attempt);
      }
      case 'action.execute':
        return executeAction(deps, job.requestId);
      case 'chat.notify':
        // notifyRequester/notifyHelpdesk are the only producers of this job and always set it.
        return deliverNotification(deps, job.payload?.notification as Notification);
      case 'approval.notify':
        return postApprovalCard(deps, job.requestId, str(job.payload?.approvalId));
      case 'approval.click':
        return processApprovalClick(deps, job.requestId, {
          approvalId: str(job.payload?.approvalId),
          decision: job.payload?.decision === 'approve' ? 'approve' : 'deny',
          clickerChatUserId: str(job.payload?.clickerChatUserId),
          note: typeof job.payload?.note === 'string' ? job.payload.note : undefined,
          eventId: str(job.payload?.eventId),
        });
      case 'approval.stepup_poll':
        return pollApproverStepUp(deps, job.requestId, str(job.payload?.approvalId), typeof job.payload?.attempt === 'number' ? job.payload.attempt : 1);
      case 'approval.remind':
        return remindApproval(deps, job.requestId, str(job.payload?.approvalId));
      case 'approval.expire':
        return expireApproval(deps, job.requestId, str(job.payload?.approvalId));
      case 'access.notice':
        return announceAccessExpiry(deps, job.requestId);
      case 'access.expire':
        return expireAccess(deps, job.requestId);
    }
  };
}

/** Runs every pending job (advancing the fixed clock through delays) until the queue is empty. */
export function drainQueue(deps: TestCoreDeps, options: { only?: (job: RecordedJob) => boolean; maxJobs?: number } = {}): Promise<RecordedJob[]> {
  return deps.queue.drain(createCoreJobRunner(deps), { clock: deps.clock, ...options });
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
