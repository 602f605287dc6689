import { runAuditExport } from './audit-export';
import { runAuditGrants } from './audit-grants';
import { runAuditPrune } from './audit-prune';
import { runAuditReconcile } from './audit-reconcile';
import { runAuditVerify } from './audit-verify';

export const AUDIT_HELP = `  audit verify                        Check the audit log's hash chain; prints the first broken link.
  audit export [--since D] [--until D] [--out file]   Audit events as JSON lines (seq, prevHash, hash
                                      kept); without --since/--until, all of them.
  audit reconcile --okta-system-log F [--actor ID] [--since D] [--until D]
  audit reconcile --entra-audit-log F --actor ID[,ID] [--since D] [--until D]
                                      Join an IdP's audit export by request id; list one-sided writes.
  audit prune [--days N] [--archive file]          Apply retention now (checkpointed; see README).
  audit grants --role NAME            Print least-privilege GRANTs for a PostgreSQL application role.`;

/** `keyward audit <sub-command>`. */
export async function runAudit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'verify':
      return runAuditVerify(rest);
    case 'export':
      return runAuditExport(rest);
    case 'reconcile':
      return runAuditReconcile(rest);
    case 'prune':
      return runAuditPrune(rest);
    case 'grants':
      return runAuditGrants(rest);
    default:
      process.stderr.write(`Unknown audit command "${sub ?? ''}".\n${AUDIT_HELP}\n`);
      return 2;
  }
}
