import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One line of the reliability summary. Suites write their lines as JSON files into
 * RELIABILITY_RESULTS_DIR (set by test/reliability/vitest.config.ts); the summary reporter adds them up
 * and prints one table. Outside `npm run test:reliability` (the smoke tests of `npm test`) nothing is written.
 */
export interface ResultLine {
  suite: string;
  trials: number;
  faultsInjected: number;
  duplicates: number;
  lost: number;
  leaks: number;
  echoWrites: number;
  /** Other failures (a run that never settles, a store that does not open). */
  problems: number;
  ms: number;
  /** Free text: sizes, seeds. */
  notes?: string;
}

export function recordResult(line: ResultLine): void {
  const dir = process.env.RELIABILITY_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${line.suite.replace(/[^a-z0-9-]+/gi, '_')}-${randomBytes(4).toString('hex')}.json`), JSON.stringify(line));
}

export function readResults(dir: string): ResultLine[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ResultLine);
}

/** Adds the lines of each suite up, in first-seen order, with a total. */
export function summaryTable(lines: ResultLine[]): string {
  const order: string[] = [];
  const bySuite = new Map<string, ResultLine>();
  for (const l of lines) {
    const cur = bySuite.get(l.suite);
    if (!cur) {
      order.push(l.suite);
      bySuite.set(l.suite, { ...l });
      continue;
    }
    for (const k of ['trials', 'faultsInjected', 'duplicates', 'lost', 'leaks', 'echoWrites', 'problems', 'ms'] as const) cur[k] += l[k];
    cur.notes = [cur.notes, l.notes].filter(Boolean).join('; ');
  }
  const rows = order.sort().map((s) => bySuite.get(s)!);
  const total: ResultLine = { suite: 'TOTAL', trials: 0, faultsInjected: 0, duplicates: 0, lost: 0, leaks: 0, echoWrites: 0, problems: 0, ms: 0 };
  for (const r of rows) for (const k of ['trials', 'faultsInjected', 'duplicates', 'lost', 'leaks', 'echoWrites', 'problems', 'ms'] as const) total[k] += r[k];
  const header = ['suite', 'trials', 'faults injected', 'duplicates', 'lost changes', 'leaks', 'echo writes', 'other problems', 'time'];
  const cells = [...rows, total].map((r) =>
    [r.suite, r.trials, r.faultsInjected, r.duplicates, r.lost, r.leaks, r.echoWrites, r.problems, `${(r.ms / 1000).toFixed(0)} s`].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const ok = total.duplicates + total.lost + total.leaks + total.echoWrites + total.problems === 0;
  const out = [fmt(header), sep, ...cells.slice(0, -1).map(fmt), fmt(cells.at(-1)!)];
  const notes = rows.filter((r) => r.notes).map((r) => `  ${r.suite}: ${r.notes}`);
  return [
    '',
    'Reliability summary (duplicates, lost changes, leaks, echo writes and other problems must all be 0)',
    ...out,
    ...(notes.length ? ['', ...notes] : []),
    '',
    ok ? 'RESULT: all zero' : 'RESULT: FAILED — see the failing trials above (each prints its seed and how to replay it)',
    '',
  ].join('\n');
}
