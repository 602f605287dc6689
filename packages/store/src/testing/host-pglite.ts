import { PGlite } from '@electric-sql/pglite';

/** Global under which pglite-test-environment.ts hands the host-realm PGlite class to tests. */
export const HOST_PGLITE_GLOBAL = '__keywardHostPGlite';

/**
 * A PGlite that can start inside Jest: the host-realm class when the test runs in
 * pglite-test-environment (or anywhere else outside Jest), the imported one otherwise.
 */
export function createHostPGlite(dataDir: string): PGlite {
  const Host = (globalThis as Record<string, unknown>)[HOST_PGLITE_GLOBAL] as typeof PGlite | undefined;
  return new (Host ?? PGlite)(dataDir);
}
