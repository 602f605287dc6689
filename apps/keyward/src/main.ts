import { isAppError } from '@keyward/core';
import { runAuditVerify } from './cli/audit-verify';
import { runEval } from './cli/eval';
import { runStart } from './cli/start';

const HELP = `Usage: npx keyward <command> [options]

Commands:
  start [--role all|gateway|worker]   Run the service (default: all — gateway and worker in one process).
                                      With no configuration: the local console + sandbox directory.
  audit verify                        Check the audit log's hash chain; prints the first broken link.
  eval                                Measure the intent classifier on the evaluation sets.
  help                                Show this help.

Configuration comes from the environment; see .env.example.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${HELP}\n`);
      return 0;
    case 'start':
      return runStart(rest);
    case 'audit':
      if (rest[0] === 'verify') return runAuditVerify(rest.slice(1));
      process.stderr.write(`Unknown audit command "${rest[0] ?? ''}". Try: npx keyward audit verify\n`);
      return 2;
    case 'eval':
      return runEval(rest);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    // Users see a sentence; a stack only for bugs (non-AppError).
    process.stderr.write(isAppError(error) ? `keyward: ${error.message}\n` : `keyward: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
