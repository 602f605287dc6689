/**
 * Holds a one-time secret (reset link, temporary password) between the worker that made it and the
 * moment the requester opens it. Encrypted at rest, single use, short-lived (invariant 6).
 */
export interface SecretVault {
  put(requestId: string, secret: string, options: { ownerChatUserId: string; expiresAt: Date }): Promise<void>;
  /**
   * Returns the secret and deletes it. Throws AppError `secret.not_found` when absent, used or expired,
   * `secret.forbidden` when `chatUserId` is not the owner (the secret stays).
   */
  take(requestId: string, chatUserId: string, now: Date): Promise<string>;
}
