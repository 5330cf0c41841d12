import { readResults, summaryTable } from './results.ts';

/** Vitest reporter: after the run, one table of what every reliability suite recorded. */
export default class ReliabilitySummaryReporter {
  onTestRunEnd(): void {
    const dir = process.env.RELIABILITY_RESULTS_DIR;
    if (!dir) return;
    const lines = readResults(dir);
    if (lines.length === 0) {
      process.stdout.write('\nReliability summary: no suite recorded results (all skipped or crashed before the end)\n');
      return;
    }
    process.stdout.write(summaryTable(lines));
  }
}
