import { loadConfig } from '@keyward/config';
import { checkVaultKey, vaultKeyFingerprint } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';
import { resolveSecretKey } from '../runtime/secret-key';

export const VAULT_HELP = `  vault adopt-key                     After changing SECRET_ENCRYPTION_KEY on purpose (every process stopped):
                                      make this key the database's vault key; pending one-time secrets are deleted.`;

/**
 * `keyward vault adopt-key`: the one deliberate way to change the key that seals one-time secrets on a
 * shared database (start-up refuses a key other than the recorded one). Run with the schema owner's
 * DATABASE_URL and the new SECRET_ENCRYPTION_KEY while no Keyward process runs.
 */
export async function runVault(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (args[0] !== 'adopt-key' || args.length > 1) {
    process.stderr.write(`Usage: npx keyward vault adopt-key\n`);
    return 2;
  }
  const config = loadConfig();
  if (config.database.url !== undefined && config.secretKey === undefined) {
    // A key generated here would be one no other host has: every process would then refuse to start.
    process.stderr.write('Set SECRET_ENCRYPTION_KEY to the new key first: on a shared database the key must come from configuration, the same on every host.\n');
    return 2;
  }
  const database = await openAppDatabase(config);
  try {
    const key = resolveSecretKey(config.secretKey, config.dataDir);
    const result = await checkVaultKey(database.db, key, { adopt: true });
    const said = {
      recorded: 'recorded this key as the vault key (there was none).',
      matches: 'this key already is the vault key; nothing changed.',
      adopted: 'this key is now the vault key; one-time secrets sealed under the old key were deleted (their owners are told they expired). Give every host this SECRET_ENCRYPTION_KEY.',
    }[result];
    out.write(`${said} Key fingerprint ${vaultKeyFingerprint(key).slice(0, 12)}….\n`);
    return 0;
  } finally {
    await database.close();
  }
}
