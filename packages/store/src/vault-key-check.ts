import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '@keyward/core';
import type { KeywardDatabase } from './database.schema';

/**
 * Which key seals the one-time secrets of this database, as a fingerprint (HMAC of a fixed label
 * under the key: it proves which key without revealing it). Every process sharing the database must
 * seal and open with the same key; a gateway opening a reset link a worker sealed under another key
 * would fail at the worst moment — when the employee clicks "Show my reset link".
 */
export function vaultKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('keyward vault key check v1').digest('hex');
}

export type VaultKeyCheck = 'recorded' | 'matches' | 'adopted';

/**
 * Records the key's fingerprint on first use and compares it afterwards. A different key is refused
 * (config.invalid, one sentence) unless `adopt` is set — a deliberate change of key by the schema
 * owner, with every process stopped: the fingerprint is replaced and the secrets sealed under the
 * old key, which nobody can open any more, are deleted (their owners see "already used or expired").
 */
export async function checkVaultKey(db: Kysely<KeywardDatabase>, key: Buffer, options: { adopt?: boolean; now?: Date } = {}): Promise<VaultKeyCheck> {
  const fingerprint = vaultKeyFingerprint(key);
  const now = options.now ?? new Date();
  const inserted = await db
    .insertInto('vault_key_check')
    .values({ id: 1, fingerprint, recorded_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
    .catch((error: unknown) => {
      // 42501 insufficient_privilege: a restricted app role set up before this table existed.
      if ((error as { code?: unknown }).code !== '42501') throw error;
      throw new AppError(
        'config.invalid',
        'The database role may not use the vault_key_check table (new in this version). Print the grants with `npx keyward audit grants --role <app role>` and run them as the schema owner.',
        { cause: error },
      );
    });
  if (inserted !== undefined) return 'recorded';
  const row = await db.selectFrom('vault_key_check').select('fingerprint').where('id', '=', 1).executeTakeFirstOrThrow();
  if (row.fingerprint === fingerprint) return 'matches';
  if (!options.adopt) {
    throw new AppError(
      'config.invalid',
      'SECRET_ENCRYPTION_KEY is not the key the other Keyward processes on this database use. Give every host the same SECRET_ENCRYPTION_KEY (a key generated under DATA_DIR stays on its host); to change the key on purpose, stop every process and run `npx keyward vault adopt-key` once with the new key.',
    );
  }
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('vault_key_check').set({ fingerprint, recorded_at: now }).where('id', '=', 1).execute();
    await tx.deleteFrom('secrets').execute();
  });
  return 'adopted';
}
