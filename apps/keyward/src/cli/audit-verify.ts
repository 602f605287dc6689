import { loadConfig } from '@keyward/config';
import { verifyStoredAuditChain } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';

/** `keyward audit verify`: proves the audit chain is unbroken, or names the first broken link. Exit 0 / 1. */
export async function runAuditVerify(_args: string[]): Promise<number> {
  const config = loadConfig();
  const database = await openAppDatabase(config);
  try {
    const result = await verifyStoredAuditChain(database.db);
    if (result.ok) {
      process.stdout.write(`audit chain OK: ${result.count} events verified.\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
