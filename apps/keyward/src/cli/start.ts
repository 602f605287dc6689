import { loadConfig } from '@keyward/config';
import { createLogger } from '../runtime/create-logger';
import type { Role } from '../runtime/create-app';
import { startKeyward } from '../runtime/create-app';

const ROLES: Role[] = ['all', 'gateway', 'worker'];

/** `keyward start [--role all|gateway|worker]`: runs until SIGINT/SIGTERM, then shuts down gracefully. */
export async function runStart(args: string[]): Promise<number> {
  const roleIndex = args.indexOf('--role');
  const role = (roleIndex >= 0 ? args[roleIndex + 1] : 'all') as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, { redactPaths: config.operations.logRedactPaths });
  const app = await startKeyward(config, { role, logger });

  const banner = [
    '',
    `  Keyward is running (${role}).`,
    app.url && config.console.enabled ? `  Open the console: ${app.url}/` : undefined,
    app.url && config.slack?.mode === 'http' ? `  Slack events URL: <your public https URL>/slack/events (listening on ${app.url})` : undefined,
    config.slack?.mode === 'socket' ? '  Slack: connected through Socket Mode.' : undefined,
    `  Directory: ${config.idp.kind === 'sandbox' ? 'sandbox (demo users, local Okta-compatible fake)' : config.idp.kind === 'entra' ? `Entra ID tenant ${config.idp.tenantId}` : `Okta ${config.idp.orgUrl}`}`,
    `  Database: ${config.database.url ? 'PostgreSQL' : `PGlite in ${config.database.dataDir}`} · Redis: ${app.redisUrl}`,
    '  Stop with Ctrl+C.',
    '',
  ].filter((line): line is string => line !== undefined);
  process.stdout.write(`${banner.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new work, finishing running jobs');
      // A stuck close must not keep the process alive forever.
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      app.stop().finally(() => resolve());
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}
