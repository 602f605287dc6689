import { loadConfig } from '@keyward/config';
import { renderAppRoleGrants } from '@keyward/store';
import { parseOptions } from './cli-args';

/** `keyward audit grants --role keyward_app`: prints the least-privilege GRANTs for the application role. */
export async function runAuditGrants(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, problems } = parseOptions(args, ['role', 'schema']);
  if (!values.role) problems.push('--role <application role> is required');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\nUsage: npx keyward audit grants --role keyward_app [--schema public]\n`);
    return 2;
  }
  const schema = values.schema ?? loadConfig().database.schema ?? 'public';
  out.write(`-- Run as the schema owner after migrating. Then set DATABASE_MIGRATE=false for the app.\n${renderAppRoleGrants({ schema, role: values.role as string }).map((s) => `${s};`).join('\n')}\n`);
  return 0;
}
