/**
 * The simulated authenticator phone (Okta Verify with number matching). The gateway wires this to the
 * sandbox IdP's push factor, so answering here resolves the same transaction the worker is polling.
 */
export interface PendingPush {
  transactionId: string;
  createdAt: Date;
  /** Three numbers to tap; exactly one is the number the chat shows. */
  choices: number[];
}

export interface PushAnswer {
  /** false = "No, it's not me" (Deny). */
  approve: boolean;
  /** The number the person tapped; a wrong number rejects the push like Deny does. */
  number?: number;
}

/**
 * What happened to an answer: it reached the push, or there is no pending push with that id (never
 * sent, already answered, expired), or the push is waiting on someone else's phone (not touched).
 */
export type PushAnswerOutcome = 'answered' | 'unknown' | 'not_yours';

export interface PhoneSimulator {
  listPending(email: string): Promise<PendingPush[]>;
  answer(email: string, transactionId: string, answer: PushAnswer): Promise<PushAnswerOutcome>;
}
