import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { openDatabase } from '../../src/db/database.ts';
import { loadKeyring } from '../../src/security/secret-key.ts';
import { workConnectionJob } from '../../src/sync/coordinator.ts';
import { engineDeps } from '../../src/sync/deps.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { freePort } from './ports.ts';

const launcher = fileURLToPath(new URL('../../bin/support-fusion.mjs', import.meta.url));
const BOUND_S = 4;

let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair();
  // The product runs as its own process on the pair's data directory: the test lets go of it.
  await pair.stack.app.close();
  await pair.stack.database.close();
}, 120_000);
afterAll(async () => {
  await pair?.close();
});

describe('SIGTERM mid-sync', () => {
  it('exits 0 within SF_SHUTDOWN_TIMEOUT_SECONDS, releases its job, and leaves the run to be continued', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [launcher, 'serve'], {
      env: {
        ...process.env,
        SF_DATA_DIR: pair.stack.dataDir,
        SF_PORT: String(port),
        SF_HOST: '127.0.0.1',
        SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
        SF_PLATFORM_TIMEOUT_MS: '5000',
        SF_SHUTDOWN_TIMEOUT_SECONDS: String(BOUND_S),
        SF_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })),
    );
    const waitFor = async (re: RegExp, ms = 90_000) => {
      const end = Date.now() + ms;
      while (!re.test(out)) {
        if (child.exitCode !== null) throw new Error(`exited early:\n${out}`);
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(/Support Fusion is running/);
      // Every platform request now takes 400 ms: the run lasts far longer than the shutdown bound.
      pair.source.sim.faults.set({ latencyMs: 400 });
      pair.target.sim.faults.set({ latencyMs: 400 });
      const since = new Date(Date.now() - 60 * 86_400_000).toISOString();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/connections/${pair.connectionId}/sync-runs`, {
        method: 'POST',
        headers: { ...pair.source.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ since }),
      });
      expect(res.status).toBe(202);
      const runId = ((await res.json()) as { id: string }).id;
      // JSON log line with the run and connection ids, from the worker that took the job.
      await waitFor(new RegExp(`"runId":"${runId}".*"msg":"sync run started"|"msg":"sync run started".*"runId":"${runId}"`));
      const startedLine = out.split('\n').find((l) => l.includes('sync run started'))!;
      expect(JSON.parse(startedLine)).toMatchObject({ runId, connectionId: pair.connectionId, trigger: 'manual' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(ticketsOf(pair.target.sim).length).toBeLessThan(ticketsOf(pair.source.sim).length);

      const sentAt = Date.now();
      child.kill('SIGTERM');
      const exit = await exited;
      expect(exit.code, out).toBe(0);
      expect(exit.at - sentAt).toBeLessThan(BOUND_S * 1000 + 1500);
      expect(out).toContain('shutting down');
      expect(out).toMatch(/"msg":"stopped"/);
      expect(out).not.toMatch(/exiting anyway/);

      pair.source.sim.faults.set({ latencyMs: 0 });
      pair.target.sim.faults.set({ latencyMs: 0 });
      // A short platform timeout: a create cut off by the shutdown is settled (found by its marker) soon.
      const config = loadConfig({ SF_DATA_DIR: pair.stack.dataDir, SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_PLATFORM_TIMEOUT_MS: '500' });
      const database = await openDatabase({ dataDir: config.dataDir });
      pair.stack.database = database; // closed by pair.close()
      // The run is not marked failed by the shutdown: it is still there to be continued.
      const run = await database.db.selectFrom('sync_runs').select(['status']).where('id', '=', runId).executeTakeFirstOrThrow();
      expect(run.status).toBe('running');
      // Its job was released (failed back to the queue for a retry), not left active until it expires.
      const jobs = await sql<{ state: string }>`SELECT state::text AS state FROM pgboss.job WHERE name = 'sync-connection'`.execute(database.db);
      expect(jobs.rows.map((j) => j.state)).toContain('retry');
      expect(jobs.rows.map((j) => j.state)).not.toContain('active');

      // Whoever takes the job next adopts the same run and finishes it, without duplicates.
      const masterKey = await loadKeyring(config);
      const deps = engineDeps({ config, db: database.db, masterKey });
      const result = await workConnectionJob({ ...deps, locks: database.locks, worker: 'test' }, { connectionId: pair.connectionId, trigger: 'manual' });
      expect(result).toMatchObject({ kind: 'ran', runId, outcome: { status: 'success' } });
      // A create whose answer was cut off is looked for once it can no longer land; later runs settle it.
      for (let i = 0; i < 5; i++) {
        const open = await database.db.selectFrom('create_intents').select('id').where('connection_id', '=', pair.connectionId).execute();
        if (open.length === 0) break;
        await new Promise((r) => setTimeout(r, 1200));
        await workConnectionJob({ ...deps, locks: database.locks, worker: 'test' }, { connectionId: pair.connectionId, trigger: 'automatic' });
      }
      // Every copy is linked once, and no ticket was copied twice across the interruption.
      const copies = ticketsOf(pair.target.sim);
      const links = await database.db
        .selectFrom('ticket_links')
        .select(['source_ticket_id', 'target_ticket_id'])
        .where('connection_id', '=', pair.connectionId)
        .execute();
      expect(links.length).toBeGreaterThan(3);
      expect(copies.length).toBe(links.length);
      expect(new Set(links.map((l) => l.target_ticket_id)).size).toBe(links.length);
      expect(new Set(copies.map((t) => t.subject)).size).toBe(copies.length);
      const intents = await database.db.selectFrom('create_intents').select('id').where('connection_id', '=', pair.connectionId).execute();
      expect(intents).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  }, 240_000);
});
