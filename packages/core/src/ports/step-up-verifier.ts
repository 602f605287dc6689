/**
 * MFA step-up. `start` sends the challenge and returns at once; `poll` is called later from a delayed
 * job — never a blocking wait in a chat handler.
 */
export interface StepUpChallenge {
  /** `push`: approve on a device (default). `link`: sign in again at `url` (OIDC re-authentication). */
  kind?: 'push' | 'link';
  /** The sign-in page for a `link` challenge. Not a secret: only the requester's own MFA sign-in completes it. */
  url?: string;
  transactionId: string;
  factorId: string;
  factorType: string;
  /** Number the user must pick on the device (Okta Verify number matching). */
  numberChallenge?: number;
  /** When the IdP gives up on the challenge. */
  expiresAt: Date;
}

export type StepUpStatus = 'waiting' | 'approved' | 'rejected' | 'timeout';

export interface StepUpVerifier {
  /** Throws AppError `stepup.no_factor` when the user has no usable factor. */
  start(userId: string, context: { requestId: string; actionLabel: string }): Promise<StepUpChallenge>;
  poll(userId: string, challenge: { transactionId: string; factorId: string }): Promise<StepUpStatus>;
}
