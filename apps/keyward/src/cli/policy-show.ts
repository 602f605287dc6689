import { formatPolicyTable, loadPolicy } from '@keyward/policy';
import { isAppError } from '@keyward/core';

/**
 * `keyward policy show [--file F]`: the effective policy (POLICY_FILE, or the packaged default) as a
 * table. Loading runs the same validation and contradiction checks as start-up, so a bad file exits 1
 * with every problem and its line.
 */
export async function runPolicyShow(args: string[]): Promise<number> {
  const index = args.indexOf('--file');
  const file = index >= 0 ? args[index + 1] : process.env.POLICY_FILE || undefined;
  try {
    const policy = loadPolicy(file);
    process.stdout.write(`policy ${policy.version} · ${policy.source}\nsha256 ${policy.hash}\n\n${formatPolicyTable(policy.document)}\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}
