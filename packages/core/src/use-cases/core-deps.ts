import type { SurfaceName } from '../domain/chat';
import type { ActionQueue } from '../ports/action-queue';
import type { AuditLog } from '../ports/audit-log';
import type { ChatSurface } from '../ports/chat-surface';
import type { Classifier } from '../ports/classifier';
import type { Clock } from '../ports/clock';
import type { IdentityProvider } from '../ports/identity-provider';
import type { Logger } from '../ports/logger';
import type { PolicyEngine } from '../ports/policy-engine';
import type { RateLimiter } from '../ports/rate-limiter';
import type { RequestStore } from '../ports/request-store';
import type { SecretVault } from '../ports/secret-vault';
import type { StepUpVerifier } from '../ports/step-up-verifier';

/** Everything the use cases need, as ports. Built once by each app's composition root. */
export interface CoreDeps {
  store: RequestStore;
  audit: AuditLog;
  queue: ActionQueue;
  idp: IdentityProvider;
  stepUp: StepUpVerifier;
  policy: PolicyEngine;
  classifier: Classifier;
  /** The chat surfaces this deployment runs, by name (a worker posts back through the same ones). */
  chats: Partial<Record<SurfaceName, ChatSurface>>;
  vault: SecretVault;
  rateLimiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  agent: { name: string; version: string };
  /** How often the worker polls a pending push, and how many polls at most before giving up. */
  stepUpPoll: { intervalMs: number };
}
