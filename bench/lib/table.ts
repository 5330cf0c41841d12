import type { BenchRecord } from './record.ts';

/** One block per scenario: its headline figures, then each target with met / MISSED / not measured. */
export function printTable(records: BenchRecord[]): void {
  const rows: string[][] = [];
  for (const r of records) {
    rows.push([r.title, '', '']);
    for (const [k, v] of r.summary) rows.push(['', k, v]);
    for (const t of r.targets)
      rows.push(['', `target: ${t.name} ${t.target}`, `${t.value ?? '—'}  ${t.met === null ? '(not measured)' : t.met ? 'met' : 'MISSED'}`]);
  }
  const w = [0, 1, 2].map((i) => Math.min(i === 1 ? 64 : 40, Math.max(...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === 2 ? c : c.padEnd(w[i]!))).join('  ');
  console.log(`\n${line(['scenario', 'figure', 'value'])}\n${'-'.repeat(w[0]! + w[1]! + 30)}`);
  for (const r of rows) console.log(line(r));
  console.log('');
}
