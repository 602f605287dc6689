import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '@keyward/core';
import type { SecretVault } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; random per secret, never reused with the key in practice.
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SqlSecretVaultOptions {
  /** 32-byte AES-256 key from configuration (never stored in the database). */
  key: Buffer;
}

export interface SqlSecretVault extends SecretVault {
  /** Deletes expired secrets; returns how many. Run from a timer so leftovers do not linger. */
  purgeExpired(now: Date): Promise<number>;
}

/**
 * One-time secrets (reset links, temporary passwords) encrypted with AES-256-GCM (invariant 6).
 * The request id and owner are bound as additional authenticated data, so a ciphertext copied onto
 * another row, or a row re-assigned to another owner, fails to decrypt.
 */
export function createSqlSecretVault(db: Kysely<KeywardDatabase>, options: SqlSecretVaultOptions): SqlSecretVault {
  if (options.key.length !== KEY_BYTES) {
    throw new AppError('config.invalid', `the secret vault key must be ${KEY_BYTES} bytes, got ${options.key.length}`);
  }
  const key = Buffer.from(options.key);

  return {
    async put(requestId, secret, { ownerChatUserId, expiresAt }) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(requestId, ownerChatUserId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      const row = { owner_chat_user_id: ownerChatUserId, ciphertext, iv, auth_tag: cipher.getAuthTag(), expires_at: expiresAt };
      // A retried worker makes a new secret (the old link is dead at the IdP): the newest one wins.
      await db
        .insertInto('secrets')
        .values({ request_id: requestId, ...row })
        .onConflict((oc) => oc.column('request_id').doUpdateSet(row))
        .execute();
    },

    async take(requestId, chatUserId, now) {
      // Delete-and-return in one statement: two concurrent opens cannot both get the secret.
      const row = await db
        .deleteFrom('secrets')
        .where('request_id', '=', requestId)
        .where('owner_chat_user_id', '=', chatUserId)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      if (row) return decrypt(key, requestId, chatUserId, row);

      const other = await db.selectFrom('secrets').select(['owner_chat_user_id', 'expires_at']).where('request_id', '=', requestId).executeTakeFirst();
      if (other && other.expires_at > now && other.owner_chat_user_id !== chatUserId) {
        // Someone else's secret stays where it is: a curious click must not destroy the owner's link.
        throw new AppError('secret.forbidden', 'this secret belongs to someone else', { details: { requestId } });
      }
      if (other) await db.deleteFrom('secrets').where('request_id', '=', requestId).where('expires_at', '<=', now).execute();
      throw new AppError('secret.not_found', 'the secret was already used or has expired', { details: { requestId } });
    },

    async purgeExpired(now) {
      const result = await db.deleteFrom('secrets').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function additionalData(requestId: string, ownerChatUserId: string): Buffer {
  // JSON keeps the two fields unambiguous (no "a|b" + "c" vs "a" + "b|c" collisions).
  return Buffer.from(JSON.stringify([requestId, ownerChatUserId]), 'utf8');
}

function decrypt(key: Buffer, requestId: string, owner: string, row: { ciphertext: Uint8Array; iv: Uint8Array; auth_tag: Uint8Array }): string {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(row.iv), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(requestId, owner));
    decipher.setAuthTag(Buffer.from(row.auth_tag));
    return Buffer.concat([decipher.update(Buffer.from(row.ciphertext)), decipher.final()]).toString('utf8');
  } catch (error) {
    // Tampered row or wrong key. The row is already gone; nothing retries into success.
    throw new AppError('internal', 'a stored secret failed its integrity check', { cause: error, retryable: false, details: { requestId } });
  }
}
