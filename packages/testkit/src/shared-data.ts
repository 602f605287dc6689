import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/**
 * The evaluation data and vendor specs that sit beside the project folder (`../shared`), written
 * outside this project. A plain clone has no such folder: the tests that need it are skipped, saying
 * so; CI exports KEYWARD_REQUIRE_SHARED_EVAL=1 (.ci/run), which turns a missing file into a failure.
 */
export const SHARED_DIR = path.resolve(__dirname, '../../../../shared');

/** A file under ../shared, e.g. `eval/injection.jsonl` or `specs/okta-management.yaml`. */
export function sharedFile(relative: string): string {
  return path.join(SHARED_DIR, relative);
}

/** `describe` when the shared file is there (or required), else `describe.skip` with one line on the console. */
export function describeWithSharedFile(file: string): jest.Describe {
  if (existsSync(file) || process.env.KEYWARD_REQUIRE_SHARED_EVAL === '1') return describe;
  console.warn(`Skipping tests that need ${file} (the shared folder beside the project is not there). KEYWARD_REQUIRE_SHARED_EVAL=1 makes this a failure.`);
  return describe.skip;
}

/** `it`, or `it.skip` (with one console line) when the shared file is missing and not required. */
export function itWithSharedFile(file: string): jest.It {
  if (existsSync(file) || process.env.KEYWARD_REQUIRE_SHARED_EVAL === '1') return it;
  console.warn(`Skipping a test that needs ${file} (the shared folder beside the project is not there). KEYWARD_REQUIRE_SHARED_EVAL=1 makes this a failure.`);
  return it.skip;
}

/** Okta's published management spec (../shared/specs). */
export const OKTA_SPEC_FILE = sharedFile('specs/okta-management.yaml');

/** operationId → the scopes of its `oauth2` security requirement in Okta's published spec ([] when none). */
export function oktaSpecScopes(specFile: string = OKTA_SPEC_FILE): Map<string, string[]> {
  type Operation = { operationId?: string; security?: Array<Record<string, string[]>> };
  const spec = YAML.parse(readFileSync(specFile, 'utf8'), { maxAliasCount: -1 }) as { paths: Record<string, Record<string, Operation>> };
  const scopes = new Map<string, string[]>();
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) if (op.operationId) scopes.set(op.operationId, op.security?.find((s) => 'oauth2' in s)?.oauth2 ?? []);
  }
  return scopes;
}
