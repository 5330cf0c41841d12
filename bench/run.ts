/**
 * `npm run bench`: what a sync costs in API calls, time and memory, against the rate-limit bound.
 * Simulators run as their own processes (`support-fusion simulate freshservice`), the product as
 * `support-fusion start` (and `worker` for scale-out) processes, all on loopback; this driver talks HTTP to
 * both and reads the simulators' /_sim counters. Prints a table and writes bench/results.json.
 * Scenarios and flags: bench/README.md. `npm run bench:smoke`: every scenario at its smallest size.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverReachable, benchDatabaseUrl } from './lib/pg.ts';
import { killAllChildren } from './lib/proc.ts';
import { machine, type BenchContext, type BenchRecord } from './lib/record.ts';
import { log } from './lib/util.ts';
import { runInitialAndIdle } from './scenarios/initial-idle.ts';
import { runLatency } from './scenarios/latency.ts';
import { runMemory } from './scenarios/memory.ts';
import { runRateBound } from './scenarios/rate-bound.ts';
import { runScaleOut } from './scenarios/scale-out.ts';
import { printTable } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = ['initial', 'idle', 'rate', 'latency', 'scale', 'memory'] as const;
type Scenario = (typeof ALL)[number];

export interface BenchOptions {
  scenarios: Scenario[];
  smoke: boolean;
  db: 'auto' | 'pglite' | 'postgres';
  tickets: number;
  rateTickets: number;
  latencyEdits: number;
  latencyModes: Array<'webhook' | 'polling'>;
  pollSpacingMs: number;
  connections: number;
  idleConnections: number;
  idleWindowSeconds: number;
  scaleLatencyMs: number;
  memoryTickets: number[];
  profile: boolean;
  /** Keep the other scenarios' records already in --out, replacing only those run now. */
  merge: boolean;
  /** Run independent scenarios at the same time (smoke: figures are not the point, time is). */
  parallel: boolean;
  out: string;
}

const defaults: BenchOptions = {
  scenarios: [...ALL],
  smoke: false,
  db: 'auto',
  tickets: 2000,
  rateTickets: 100,
  latencyEdits: 100,
  latencyModes: ['webhook', 'polling'],
  pollSpacingMs: 1000,
  connections: 100,
  idleConnections: 300,
  idleWindowSeconds: 120,
  scaleLatencyMs: 0,
  memoryTickets: [1000, 3000],
  profile: false,
  parallel: false,
  merge: false,
  out: join(here, 'results.json'),
};

/** The smallest sizes: every code path once, in well under two minutes (CI runs this). */
const smoke: Partial<BenchOptions> = {
  smoke: true,
  tickets: 20,
  rateTickets: 5,
  latencyEdits: 3,
  latencyModes: ['webhook'],
  connections: 4,
  idleConnections: 6,
  idleWindowSeconds: 5,
  memoryTickets: [30, 60],
  parallel: true,
};

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { ...defaults };
  // Smoke results are not worth keeping: they go to the temp directory unless --out says otherwise.
  if (argv.includes('--smoke')) Object.assign(o, smoke, { out: join(tmpdir(), 'support-fusion-bench-smoke.json') });
  const int = (flag: string, v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`${flag} expects a whole number, got "${v}"`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=')
      ? [argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)]
      : [argv[i]!, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--smoke':
        break;
      case '--scenarios': {
        const list = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const s of list) if (!ALL.includes(s as Scenario)) throw new Error(`Unknown scenario "${s}": choose from ${ALL.join(', ')}`);
        o.scenarios = list as Scenario[];
        break;
      }
      case '--db': {
        const v = value();
        if (v !== 'auto' && v !== 'pglite' && v !== 'postgres') throw new Error('--db expects auto, pglite or postgres');
        o.db = v;
        break;
      }
      case '--tickets':
        o.tickets = int(flag, value());
        break;
      case '--rate-tickets':
        o.rateTickets = int(flag, value());
        break;
      case '--latency-edits':
        o.latencyEdits = int(flag, value());
        break;
      case '--latency-modes': {
        const modes = value().split(',');
        for (const m of modes) if (m !== 'webhook' && m !== 'polling') throw new Error('--latency-modes expects webhook,polling');
        o.latencyModes = modes as BenchOptions['latencyModes'];
        break;
      }
      case '--poll-spacing-ms':
        o.pollSpacingMs = int(flag, value());
        break;
      case '--connections':
        o.connections = int(flag, value());
        break;
      case '--idle-connections':
        o.idleConnections = int(flag, value());
        break;
      case '--idle-window-s':
        o.idleWindowSeconds = int(flag, value());
        break;
      case '--scale-latency-ms':
        o.scaleLatencyMs = int(flag, value());
        break;
      case '--memory-tickets':
        o.memoryTickets = value()
          .split(',')
          .map((v) => int(flag, v));
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--merge':
        o.merge = true;
        break;
      case '--parallel':
        o.parallel = true;
        break;
      case '--sequential':
        o.parallel = false;
        break;
      case '--out':
        o.out = resolve(value());
        break;
      case '--help':
        console.log(
          'npm run bench -- [--smoke] [--scenarios initial,idle,rate,latency,scale,memory] [--db auto|pglite|postgres] [--tickets 2000] [--rate-tickets 100] [--latency-edits 100] [--latency-modes webhook,polling] [--poll-spacing-ms 1000] [--connections 100] [--idle-connections 300] [--idle-window-s 120] [--scale-latency-ms 0] [--memory-tickets 1000,3000] [--profile] [--parallel|--sequential] [--merge] [--out bench/results.json]',
        );
        return process.exit(0);
      default:
        throw new Error(`Unknown flag ${flag} (try --help)`);
    }
  }
  return o;
}

export async function runBench(o: BenchOptions): Promise<{ records: BenchRecord[]; skipped: string[] }> {
  const pgUp = await serverReachable();
  const db: BenchContext['db'] = o.db === 'auto' ? (pgUp ? 'postgres' : 'pglite') : o.db;
  if (db === 'postgres' && !pgUp) throw new Error('--db postgres: no PostgreSQL server reachable at SF_BENCH_DATABASE_URL / SF_TEST_DATABASE_URL');
  const profileDir = o.profile ? join(here, 'profiles') : null;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const ctx: BenchContext = { db, serverUrl: pgUp ? benchDatabaseUrl : '', profileDir, smoke: o.smoke };
  log(`${machine().cpus} CPUs, ${db} storage${pgUp ? '' : ' (no PostgreSQL: scale-out is skipped)'}${o.smoke ? ', smoke sizes' : ''}`);
  const skipped: string[] = [];
  const want = (s: Scenario) => o.scenarios.includes(s);
  // Chains of scenarios; in order one after the other, or (--parallel) the chains at the same time.
  const chains: Array<Array<() => Promise<BenchRecord[]>>> = [[], [], [], []];
  if (want('initial') || want('idle'))
    chains[0]!.push(() => runInitialAndIdle(ctx, { tickets: o.tickets, replies: 3, notes: 1, attachmentEvery: 10, requesters: 50 }, want('idle')));
  if (want('rate')) chains[1]!.push(async () => [await runRateBound(ctx, { tickets: o.rateTickets })]);
  if (want('latency')) chains[1]!.push(async () => [await runLatency(ctx, { edits: o.latencyEdits, modes: o.latencyModes, pollSpacingMs: o.pollSpacingMs })]);
  if (want('scale')) {
    if (pgUp)
      chains[2]!.push(async () => [
        await runScaleOut(ctx, {
          connections: o.connections,
          idleConnections: o.idleConnections,
          idleWindowSeconds: o.idleWindowSeconds,
          latencyMs: o.scaleLatencyMs,
        }),
      ]);
    else skipped.push('scale-out: needs PostgreSQL (set SF_BENCH_DATABASE_URL or SF_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres)');
  }
  if (want('memory')) chains[3]!.push(async () => [await runMemory(ctx, { sizes: o.memoryTickets })]);
  const runChain = async (chain: Array<() => Promise<BenchRecord[]>>) => {
    const out: BenchRecord[] = [];
    for (const step of chain) out.push(...(await step()));
    return out;
  };
  const results: BenchRecord[][] = [];
  if (o.parallel) results.push(...(await Promise.all(chains.map(runChain))));
  else for (const c of chains) results.push(await runChain(c));
  const order = ['initial-sync', 'idle-incremental', 'rate-bound', 'latency', 'scale-out', 'memory'];
  const records = results.flat().sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  if (o.parallel) for (const r of records) r.notes.push('Run with --parallel: scenarios shared the machine, so times and CPU figures are not comparable.');
  return { records, skipped };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const { records, skipped } = await runBench(o);
  printTable(records);
  for (const s of skipped) console.log(`skipped ${s}`);
  await mkdir(dirname(o.out), { recursive: true });
  const command = `bench ${process.argv.slice(2).join(' ')}`.trim();
  let all = records;
  let commands = [command];
  if (o.merge) {
    try {
      const prev = JSON.parse(await readFile(o.out, 'utf8')) as { records: BenchRecord[]; command?: string; commands?: string[] };
      const now = new Set(records.map((r) => r.scenario));
      const order = ['initial-sync', 'idle-incremental', 'rate-bound', 'latency', 'scale-out', 'memory'];
      all = [...prev.records.filter((r) => !now.has(r.scenario)), ...records].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
      commands = [...(prev.commands ?? (prev.command ? [prev.command] : [])), command];
    } catch {
      // nothing to merge with
    }
  }
  await writeFile(o.out, JSON.stringify({ generatedAt: started.toISOString(), commands, machine: machine(), skipped, records: all }, null, 2) + '\n');
  log(`wrote ${o.out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stop = () => {
    killAllChildren();
    process.exit(130);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      killAllChildren();
      process.exit(1);
    },
  );
}
