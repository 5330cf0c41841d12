import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// Suites write their summary lines here; the reporter (main process) reads them at the end. Workers
// are forked from this process and inherit the variable.
process.env.RELIABILITY_RESULTS_DIR ??= mkdtempSync(join(tmpdir(), 'sf-reliability-results-'));

/** The crash test (the longest) starts first on one worker; the others follow on the second. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => ['crash', 'model', 'faults', 'outage'].findIndex((n) => f.moduleId.includes(`/${n}.reliability.ts`));
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: LongestFirst },
    reporters: ['default', join(import.meta.dirname, 'lib/summary-reporter.ts')],
  },
});
