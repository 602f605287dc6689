import { randomUUID } from 'node:crypto';
import type { PendingPush, PhoneSimulator, PushAnswer } from '../phone-simulator';

export type PushOutcome = 'approved' | 'rejected' | 'expired';

export interface FakePhoneSimulator extends PhoneSimulator {
  /** Sends a push with number matching; resolves when the person answers or it times out. */
  push(email: string, correctNumber: number): { transactionId: string; outcome: Promise<PushOutcome> };
  readonly answers: { email: string; transactionId: string; answer: PushAnswer }[];
}

interface Push extends PendingPush {
  email: string;
  correct: number;
  settle: (outcome: PushOutcome) => void;
  timer: NodeJS.Timeout;
}

/** An in-memory Okta Verify: a wrong number or Deny rejects; silence expires after `timeoutMs`. */
export function createFakePhoneSimulator(options: { now?: () => Date; timeoutMs?: number } = {}): FakePhoneSimulator {
  const now = options.now ?? (() => new Date());
  const pushes = new Map<string, Push>();
  const answers: FakePhoneSimulator['answers'] = [];

  function settle(push: Push, outcome: PushOutcome): void {
    clearTimeout(push.timer);
    pushes.delete(push.transactionId);
    push.settle(outcome);
  }

  return {
    answers,
    push(email, correctNumber) {
      const transactionId = `tx-${randomUUID()}`;
      let resolveOutcome: (outcome: PushOutcome) => void = () => undefined;
      const outcome = new Promise<PushOutcome>((resolve) => {
        resolveOutcome = resolve;
      });
      const push: Push = {
        transactionId,
        email,
        createdAt: now(),
        correct: correctNumber,
        choices: shuffle([correctNumber, ...decoys(correctNumber)]),
        settle: resolveOutcome,
        timer: setTimeout(() => settle(push, 'expired'), options.timeoutMs ?? 60_000),
      };
      push.timer.unref();
      pushes.set(transactionId, push);
      return { transactionId, outcome };
    },
    async listPending(email) {
      return [...pushes.values()]
        .filter((push) => push.email === email)
        .map((push) => ({ transactionId: push.transactionId, createdAt: push.createdAt, choices: [...push.choices] }));
    },
    async answer(email, transactionId, answer) {
      answers.push({ email, transactionId, answer: { ...answer } });
      const push = pushes.get(transactionId);
      if (push === undefined) return 'unknown';
      if (push.email !== email) return 'not_yours';
      settle(push, answer.approve && answer.number === push.correct ? 'approved' : 'rejected');
      return 'answered';
    },
  };
}

function decoys(correct: number): number[] {
  const picked = new Set<number>([correct]);
  while (picked.size < 3) picked.add(10 + Math.floor(Math.random() * 90));
  return [...picked].filter((n) => n !== correct);
}

function shuffle(values: number[]): number[] {
  return [...values].sort(() => Math.random() - 0.5);
}
