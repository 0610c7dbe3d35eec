/**
 * Jest in native ESM mode (NestJS 12 is ESM-only): ts-jest compiles with
 * `useESM`, and `.js` suffixes of relative imports map back to the sources.
 * Two projects: fast unit specs beside the code, and integration/e2e specs in
 * test/ that boot the real application on a real database.
 */
import { availableParallelism } from 'node:os';

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
    },
  ],
  // Every test file has its own database, key prefix and ports, so files run
  // side by side. Most of a file's time is waiting (fsync, PostgreSQL, Redis,
  // a child process, a browser): Jest's default on two cores, cores − 1 = one
  // worker, runs every file in band and leaves a core idle. Two workers run
  // the SQLite pass in 0.55 of the time here; a third, 0.51. At most
  // three, so that PostgreSQL's 100 connections hold (an app pools 10).
  maxWorkers: Math.min(3, Math.max(2, availableParallelism() - 1)),
  testTimeout: 60_000,
  // A suite whose teardown failed (an app that did not close, a child process
  // left running) must fail the run, not keep it waiting until CI's limit:
  // jest still reports the failed hook, then exits.
  forceExit: true,
};
