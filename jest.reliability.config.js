/**
 * `npm run test:reliability` (issue #7): the heavy suite — several product processes, SIGKILLs, a
 * private Redis restarted mid-flight. Kept out of `npm test` (files end in `.reliability.ts`, which
 * the default testMatch does not pick up); `.ci/run` runs both. One suite at a time: each one
 * already runs several processes on the two cores.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/apps/*/test/reliability/**/*.reliability.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
