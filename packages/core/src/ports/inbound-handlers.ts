import type { InboundAction, InboundMessage } from '../domain/chat';

/**
 * What a chat surface calls when a verified event arrives. Implemented by the gateway's use cases.
 * Handlers only persist and enqueue (acknowledge, then enqueue): no IdP call happens inside them,
 * so every surface can answer well within its platform's deadline (Slack 3 s, Teams ~15 s).
 */
export interface InboundHandlers {
  onMessage(message: InboundMessage): Promise<void>;
  onAction(action: InboundAction): Promise<void>;
  /**
   * A click on "show my reset link": returns the one-time secret for display in a modal / reveal,
   * and forgets it. Throws AppError `secret.not_found` / `secret.forbidden` with a user-safe message.
   */
  onRevealSecret(action: InboundAction): Promise<RevealedSecret>;
}

export interface RevealedSecret {
  title: string;
  /** Plain text; shown once, never posted into chat history. */
  secret: string;
  /** Guidance shown under the secret ("opens once, expires in 1 hour"). */
  note: string;
  /** The secret is a URL the user should open. */
  isLink: boolean;
}
