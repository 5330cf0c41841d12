import { cpus, loadavg } from 'node:os';

export interface TargetCheck {
  name: string;
  target: string;
  value: number | string | null;
  /** null: not measured in this run. */
  met: boolean | null;
}

export interface BenchRecord {
  scenario: string;
  title: string;
  params: Record<string, unknown>;
  /** loadAverage1m: the machine's 1-minute load when the record was made (other work on a shared machine shows here). */
  machine: { cpus: number; cpuModel: string; node: string; loadAverage1m: number };
  database: string;
  startedAt: string;
  durationMs: number;
  figures: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
  /** The lines the printed table shows: [figure, value]. */
  summary: Array<[string, string]>;
}

export const machine = () => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
});

export interface BenchContext {
  /** Storage for the product in scenarios 1–4 and 6. */
  db: 'pglite' | 'postgres';
  /** PostgreSQL server URL (scale-out; `db: postgres`), or '' when none is reachable. */
  serverUrl: string;
  /** Write `node --cpu-prof` profiles of the product processes here. */
  profileDir: string | null;
  /** Smoke mode: tiny sizes, figures meaningless. */
  smoke: boolean;
}

export function check(name: string, target: string, value: number | string | null, met: boolean | null): TargetCheck {
  return { name, target, value, met };
}
