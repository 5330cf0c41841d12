import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const driver = fileURLToPath(new URL('../bench/run.ts', import.meta.url));

/**
 * `npm run bench:smoke` at its smallest sizes, so the benchmark cannot rot. Times are not asserted (CI
 * machines are shared); only that every scenario ran and wrote its record. Scale-out needs PostgreSQL
 * (SF_TEST_DATABASE_URL) and is skipped by the driver without it.
 */
it('the benchmark runs every scenario at its smallest size and writes its results', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sf-bench-smoke-'));
  const out = join(dir, 'results.json');
  try {
    // Without PostgreSQL the idle scenario waits for the real 1-minute schedule: left to `npm run bench:smoke`.
    const scenarios = process.env.SF_TEST_DATABASE_URL ? [] : ['--scenarios', 'initial,rate,latency,scale,memory'];
    const child = spawn(process.execPath, ['--import', 'tsx', driver, '--smoke', ...scenarios, '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let log = '';
    child.stdout.on('data', (d) => (log += String(d)));
    child.stderr.on('data', (d) => (log += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, log.slice(-6000)).toBe(0);
    const results = JSON.parse(await readFile(out, 'utf8')) as {
      machine: { cpus: number };
      records: Array<{ scenario: string; params: object; figures: object; machine: { cpus: number } }>;
      skipped: string[];
    };
    const names = results.records.map((r) => r.scenario);
    const expected = ['initial-sync', 'rate-bound', 'latency', 'memory'];
    if (process.env.SF_TEST_DATABASE_URL) expected.push('scale-out', 'idle-incremental');
    else expect(results.skipped.join(' ')).toContain('scale-out');
    expect(names.sort()).toEqual(expected.sort());
    for (const r of results.records) expect(r.machine.cpus).toBeGreaterThan(0);
    const initial = results.records.find((r) => r.scenario === 'initial-sync')!.figures as {
      runStatus: string;
      copiesOnTarget: number;
      apiCalls: { total: number };
    };
    expect(initial.runStatus).toBe('success');
    expect(initial.copiesOnTarget).toBe(20);
    expect(initial.apiCalls.total).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
