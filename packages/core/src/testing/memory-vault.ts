import { AppError } from '../domain/app-error';
import type { SecretVault } from '../ports/secret-vault';

/** In-memory SecretVault: single use, owner-bound, expiring, exactly as the port documents. */
export interface MemoryVault extends SecretVault {
  /** Whether a secret is still waiting for `requestId` (ignores expiry: "still stored"). */
  has(requestId: string): boolean;
  /** The stored secret without consuming it, for assertions. */
  peek(requestId: string): string | undefined;
}

interface Entry {
  secret: string;
  ownerChatUserId: string;
  expiresAt: number;
}

export function createMemoryVault(): MemoryVault {
  const entries = new Map<string, Entry>();
  return {
    async put(requestId, secret, options) {
      // A later put supersedes: a retried reset issues a new link and voids the old one at the IdP.
      entries.set(requestId, { secret, ownerChatUserId: options.ownerChatUserId, expiresAt: options.expiresAt.getTime() });
    },
    async take(requestId, chatUserId, now) {
      const entry = entries.get(requestId);
      if (!entry || now.getTime() >= entry.expiresAt) {
        entries.delete(requestId);
        throw new AppError('secret.not_found', 'secret absent, used or expired', { details: { requestId } });
      }
      if (entry.ownerChatUserId !== chatUserId) {
        throw new AppError('secret.forbidden', 'only the owner may open this secret', { details: { requestId } });
      }
      entries.delete(requestId);
      return entry.secret;
    },
    has: (requestId) => entries.has(requestId),
    peek: (requestId) => entries.get(requestId)?.secret,
  };
}
