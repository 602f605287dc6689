import { loadConfig } from '@keyward/config';
import { readAuditCheckpoint, verifyStoredAuditChain } from '@keyward/store';
import { openAppDatabase } from '../runtime/open-app-database';

/**
 * `keyward audit verify`: proves the audit chain is unbroken from the genesis (or the retention
 * checkpoint) to the head, or names the first broken link with its reason. Exit 0 / 1.
 */
export async function runAuditVerify(_args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = loadConfig();
  const database = await openAppDatabase(config);
  try {
    const checkpoint = await readAuditCheckpoint(database.db);
    const from = checkpoint.seq > 0 ? `from the retention checkpoint (seq ${checkpoint.seq}, ${checkpoint.removed} older events removed, hash ${checkpoint.hash.slice(0, 16)}…)` : 'from the genesis';
    const result = await verifyStoredAuditChain(database.db);
    if (result.ok) {
      out.write(`audit chain OK: ${result.count} events verified ${from} to the head (seq ${result.lastSeq}, hash ${result.lastHash.slice(0, 16)}…).\n`);
      return 0;
    }
    out.write(`audit chain BROKEN at seq ${result.firstBrokenSeq}: ${result.reason} — ${result.message}\n`);
    out.write(`  ${result.count} events before it verified ${from}; nothing from seq ${result.firstBrokenSeq} on can be trusted until explained.\n`);
    return 1;
  } finally {
    await database.close();
  }
}
