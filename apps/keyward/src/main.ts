import { isAppError } from '@keyward/core';
import { AUDIT_HELP, runAudit } from './cli/audit-command';
import { runDoctor } from './cli/doctor';
import { runClassify } from './cli/classify';
import { runEval } from './cli/eval';
import { runStart } from './cli/start';
import { runPolicyShow } from './cli/policy-show';
import { runVault, VAULT_HELP } from './cli/vault-command';

const HELP = `Usage: npx keyward <command> [options]

Commands:
  start [--role all|gateway|worker]   Run the service (default: all — gateway and worker in one process).
                                      With no configuration: the local console + sandbox directory.
${AUDIT_HELP}
  doctor                              Check configuration, connectivity, the IdP credential's privileges,
                                      credential age and Redis; prints a table, exits 1 on a critical finding.
  policy show [--file policy.yaml]    Print the effective policy as a table (action × band × verification ×
                                      approvers × populations); exits 1 when the file is invalid or contradicts itself.
${VAULT_HELP}
  classify                            Read messages (one per line) on stdin; print one JSON line each:
                                      {"text","intent","confidence","slots"} (OpenAI when OPENAI_API_KEY is set).
  eval                                Measure the classifiers (offline, and OpenAI via a local fake) and
                                      enforce the accuracy thresholds; exits 1 when one is missed.
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
      return runAudit(rest);
    case 'doctor':
      return runDoctor(rest);
    case 'policy':
      if (rest[0] === 'show') return runPolicyShow(rest.slice(1));
      process.stderr.write(`Unknown policy command "${rest[0] ?? ''}". Try: npx keyward policy show\n`);
      return 2;
    case 'classify':
      return runClassify(rest);
    case 'vault':
      return runVault(rest);
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
