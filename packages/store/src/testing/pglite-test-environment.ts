import { PGlite } from '@electric-sql/pglite';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';
import { HOST_PGLITE_GLOBAL } from './host-pglite';

/**
 * Jest environment for tests that run PGlite. PGlite's Emscripten loader calls `import()` at start-up,
 * which Jest's module sandbox refuses unless Node runs with --experimental-vm-modules. This file is
 * loaded by Jest outside the sandbox, so the PGlite class it imports works; tests take it from the
 * global (`createHostPGlite`) and pass the instance to `openDatabase({ pglite })`. Use with the docblock
 * `@jest-environment ./packages/store/src/testing/pglite-test-environment.ts`.
 */
export default class PGliteTestEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.global[HOST_PGLITE_GLOBAL] = PGlite;
  }
}
