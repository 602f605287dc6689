import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { envSchema } from './config.schema';
import { loadConfig, SECRET_VARIABLES } from './load-config';

/*
 * `.env.example` and the README are where an operator learns the settings. A variable the code reads
 * that neither names cannot be found; a name they give that the code does not read is silently
 * ignored; a `.env.example` that a shell or `node --env-file` cannot load fails on the first try.
 * What the code reads is the schema: loadConfig passes the environment through it and nothing else
 * (plus `NAME_FILE` for the secrets).
 */

const ROOT = path.resolve(__dirname, '../../..');
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
const READ_BY_CODE: readonly string[] = Object.keys(envSchema.shape).sort();
const SECRETS: readonly string[] = [...SECRET_VARIABLES].sort();

/** Upper-case names with an underscore, as variables are written in prose (PORT alone is checked the other way). */
const VARIABLE_LIKE = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;

/** Okta's admin role types (SUPER_ADMIN, HELP_DESK_ADMIN…): no variable of the app ends in _ADMIN. */
const OKTA_ROLE_TYPE = /_ADMIN$/;

/** Other names in the README that look like variables but are not the app's, each with why. */
const NOT_APP_VARIABLES: Record<string, string> = {
  LOCKED_OUT: 'Okta user status',
  PASSWORD_EXPIRED: 'Okta user status',
  KEYWARD_PORT: 'infra/compose/.env: the published port (compose substitutes it, the app never sees it)',
  KEYWARD_WORKERS: 'infra/compose/.env: the number of worker containers',
  KEYWARD_REQUIRE_SHARED_EVAL: 'tests and .ci/run only: fail instead of skipping without ../shared/eval',
  NAME_FILE: 'the placeholder in "NAME_FILE=/path"',
};

/** A name the app reads: a schema variable, or NAME_FILE for a secret. */
const isReadByCode = (name: string): boolean => READ_BY_CODE.includes(name) || (name.endsWith('_FILE') && SECRETS.includes(name.slice(0, -'_FILE'.length)));
const without = (names: readonly string[], others: readonly string[]): string[] => [...new Set(names.filter((n) => !others.includes(n)))].sort();

describe('.env.example', () => {
  const text = read('.env.example');

  it('loads through the config loader as `node --env-file=.env.example` reads it (empty values = unset)', () => {
    // util.parseEnv is the parser behind --env-file: KEY=VALUE lines, quotes stripped, comments skipped.
    const values = parseEnv(text);
    expect(values['IDP']).toBe('');
    const config = loadConfig(values, '/srv/app');
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', embedded: true, idp: { kind: 'sandbox' }, console: { enabled: true }, queuePrefix: '{keyward}' });
  });

  it('loads in a shell with `set -a; . ./.env.example`, to the same values node reads', () => {
    const values = parseEnv(text);
    for (const shell of ['bash', 'sh']) {
      // -e: a line the shell runs as a command (an unquoted value with a space) stops it with an error.
      // stdin from /dev/null: on a socket (libuv's pipes) bash would think it is remote and read ~/.bashrc.
      const run = spawnSync(shell, ['-c', 'set -e -a; . ./.env.example; env'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      expect({ shell, status: run.status, stderr: run.stderr }).toEqual({ shell, status: 0, stderr: '' });
      const seen = new Map(run.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      const differing = Object.entries(values).filter(([name, value]) => seen.get(name) !== value).map(([name, value]) => `${name}: node ${JSON.stringify(value)}, ${shell} ${JSON.stringify(seen.get(name))}`);
      expect(differing).toEqual([]);
    }
  });

  it('lists exactly the variables the config package reads', () => {
    const listed = Object.keys(parseEnv(text));
    expect({ missingFromEnvExample: without(READ_BY_CODE, listed), notReadByTheCode: listed.filter((n) => !isReadByCode(n)) }).toEqual({ missingFromEnvExample: [], notReadByTheCode: [] });
  });

  it('names every secret that may come from NAME_FILE, and only those', () => {
    const start = text.indexOf('NAME_FILE=');
    expect(start).toBeGreaterThan(0);
    const paragraph = text.slice(start, text.indexOf('\n\n', start));
    const listed = (paragraph.match(VARIABLE_LIKE) ?? []).filter((n) => n !== 'NAME_FILE');
    expect({ missingFromFileList: without(SECRETS, listed), notASecretVariable: without(listed, SECRETS) }).toEqual({ missingFromFileList: [], notASecretVariable: [] });
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('mentions every variable the config package reads', () => {
    expect(READ_BY_CODE.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });

  it('mentions no variable the config package does not read (a typo would be silently ignored)', () => {
    const mentioned = readme.match(VARIABLE_LIKE) ?? [];
    // A name listed here wrongly: add it to NOT_APP_VARIABLES with its reason, or fix the README.
    expect(without(mentioned.filter((n) => !isReadByCode(n) && !OKTA_ROLE_TYPE.test(n)), Object.keys(NOT_APP_VARIABLES))).toEqual([]);
  });
});
