import { AppError } from '../domain/app-error';
import type { Clock } from '../ports/clock';
import type { StepUpChallenge, StepUpStatus, StepUpVerifier } from '../ports/step-up-verifier';

export interface FakeStepUpOptions {
  /** Used for `expiresAt`; pass the test's fixed clock. */
  clock: Clock;
  /** IdP user ids with no usable push factor: `start` throws `stepup.no_factor`. */
  usersWithoutFactor?: string[];
  /** How long a push lives. Default 5 minutes (Okta Verify's default). */
  ttlMs?: number;
  /** What `poll` answers for a transaction nobody set. Default `waiting`. */
  defaultResult?: StepUpStatus;
  /** Set false to model a factor without number matching. Default true. */
  numberMatching?: boolean;
}

export interface StartedChallenge {
  userId: string;
  context: { requestId: string; actionLabel: string };
  challenge: StepUpChallenge;
}

/**
 * A push verifier the test drives: every `start` is recorded and returns a challenge with a
 * number; the test decides what each transaction's `poll` answers.
 */
export interface FakeStepUp extends StepUpVerifier {
  started(): StartedChallenge[];
  /** The last challenge sent (to any user, or to `userId`). */
  lastChallenge(userId?: string): StartedChallenge | undefined;
  /** What `poll` returns for this transaction from now on. */
  setResult(transactionId: string, status: StepUpStatus): void;
  /** Sets the result of the most recent challenge (the usual case: one push in flight). */
  respondToLast(status: StepUpStatus): void;
  polls(): { userId: string; transactionId: string; status: StepUpStatus }[];
  /** The next `start` throws `error` (the IdP is down). */
  failNextStart(error: AppError): void;
  setUsersWithoutFactor(userIds: string[]): void;
}

export function createFakeStepUp(options: FakeStepUpOptions): FakeStepUp {
  const started: StartedChallenge[] = [];
  const results = new Map<string, StepUpStatus>();
  const polls: { userId: string; transactionId: string; status: StepUpStatus }[] = [];
  let withoutFactor = new Set(options.usersWithoutFactor ?? []);
  let startFailure: AppError | undefined;

  const fake: FakeStepUp = {
    async start(userId, context) {
      if (startFailure) {
        const error = startFailure;
        startFailure = undefined;
        throw error;
      }
      if (withoutFactor.has(userId)) throw new AppError('stepup.no_factor', 'no push factor enrolled', { details: { userId } });
      const n = started.length + 1;
      const challenge: StepUpChallenge = {
        transactionId: `tx-${n}`,
        factorId: `opf-${userId}`,
        factorType: 'push',
        // Deterministic two-digit numbers, different for each push.
        numberChallenge: options.numberMatching === false ? undefined : 10 + ((n * 37) % 90),
        expiresAt: new Date(options.clock.now().getTime() + (options.ttlMs ?? 5 * 60_000)),
      };
      started.push({ userId, context: { ...context }, challenge });
      return { ...challenge, expiresAt: new Date(challenge.expiresAt) };
    },
    async poll(userId, challenge) {
      const status = results.get(challenge.transactionId) ?? options.defaultResult ?? 'waiting';
      polls.push({ userId, transactionId: challenge.transactionId, status });
      return status;
    },
    started: () => started.map((s) => ({ ...s })),
    lastChallenge: (userId) => [...started].reverse().find((s) => userId === undefined || s.userId === userId),
    setResult: (transactionId, status) => {
      results.set(transactionId, status);
    },
    respondToLast: (status) => {
      const last = started.at(-1);
      if (!last) throw new Error('no push was started');
      results.set(last.challenge.transactionId, status);
    },
    polls: () => polls.map((p) => ({ ...p })),
    failNextStart: (error) => {
      startFailure = error;
    },
    setUsersWithoutFactor: (userIds) => {
      withoutFactor = new Set(userIds);
    },
  };
  return fake;
}
