import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Suites write their summary lines here; the reporter (main process) reads them at the end. Workers
// are forked from this process and inherit the variable.
process.env.RELIABILITY_RESULTS_DIR ??= mkdtempSync(join(tmpdir(), 'sf-reliability-results-'));

/**
 * `npm run test:reliability`: crash test, fault matrix, randomized model test and outage catch-up, at
 * sizes that fit in CI (< 10 min on 2 cores); larger sizes through RELIABILITY_* variables (see
 * test/reliability/README.md). Not part of `npm test`, which runs only the smoke variant.
 */
export default defineConfig({
  test: {
    root: join(import.meta.dirname, '../..'),
    include: ['test/reliability/**/*.reliability.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Heavy suites first, so the two workers finish at about the same time.
    sequence: { shuffle: false },
    reporters: ['default', join(import.meta.dirname, 'lib/summary-reporter.ts')],
  },
});
