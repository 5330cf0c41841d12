import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createRateBudget, type RateBudget } from '../../src/db/repositories/rate-budget.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { buildApp } from '../../src/server/app.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { engineDeps } from '../../src/sync/deps.ts';
import { inlineSyncJobs } from '../../src/sync/jobs.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';

/**
 * The issue's scenario: 20 customers' connections all read from ONE Freshservice account (the same
 * simulated source, same admin key) and sync at the same time. The account allows 100 credits per
 * window; the window is shortened to WINDOW_MS (and the budget's with it) to keep the test short, and
 * SF_RATE_HEADROOM leaves half of it to the account's own agents.
 * Every run must end well, the account must never answer 429, and runs must have waited visibly.
 */
const CONNECTIONS = 20;
const WINDOW_MS = 3_000;
const LIMIT = 100;
/** Half of the account is left to its own agents: the budget must bind even on a slow test machine. */
const HEADROOM = '0.5';

type Auth = Record<string, string>;
interface Pairing {
  connectionId: string;
  auth: Auth;
  target: FreshserviceSimulator;
}

let dataDir: string;
let database: DatabaseHandle;
let app: Awaited<ReturnType<typeof buildApp>>;
let jobs: ReturnType<typeof inlineSyncJobs>;
let budget: RateBudget;
let source: FreshserviceSimulator;
const pairings: Pairing[] = [];

async function must(r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  source = await startFreshserviceSimulator({ name: 'acme', seed: 'demo', rateLimit: { overall: LIMIT, windowMs: WINDOW_MS } });
  dataDir = await mkdtemp(join(tmpdir(), 'sf-rate-'));
  const config = loadConfig({
    SF_DATA_DIR: dataDir,
    SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
    // A slow answer on a loaded machine is not what this test is about (429s are); only a hang should fail it.
    SF_PLATFORM_TIMEOUT_MS: '30000',
    SF_LOG_LEVEL: 'silent',
    SF_RATE_HEADROOM: HEADROOM,
  });
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
  database = await openDatabase({ dataDir, inMemory: true });
  const ctx = { config, db: database.db, masterKey };
  // The process's one budget, as engineDeps builds it, with the simulator's shortened window.
  budget = createRateBudget(database.db, { headroom: config.rateHeadroom, windowMs: WINDOW_MS });
  jobs = inlineSyncJobs({ ...engineDeps(ctx, undefined, { rateGate: budget }), locks: database.locks });
  app = await buildApp({ ...ctx, jobs }, { logger: false });
  await app.ready();

  for (let i = 0; i < CONNECTIONS; i++) {
    const target = await startFreshserviceSimulator({ name: `globex${i}`, seed: 'empty', rateLimit: false });
    const a = await signUpAndLogIn(app, `acme${i}x${Math.random().toString(36).slice(2, 6)}`);
    const b = await signUpAndLogIn(app, `globex${i}x${Math.random().toString(36).slice(2, 6)}`);
    await must(
      app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: a.auth,
        payload: { platform: 'freshservice', apiUrl: source.url, apiKey: source.keyFor('admin') },
      }),
      200,
    );
    await must(
      app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: b.auth,
        payload: { platform: 'freshservice', apiUrl: target.url, apiKey: target.keyFor('admin') },
      }),
      200,
    );
    const created = await must(
      app.inject({ method: 'POST', url: '/api/v1/connections', headers: a.auth, payload: { role: 'source', contractName: `Managed IT ${i}` } }),
      201,
    );
    await must(
      app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: b.auth, payload: { verificationCode: created.verificationCode } }),
      200,
    );
    pairings.push({ connectionId: created.id, auth: a.auth, target });
  }
  // Setting up (the platform checks) used the account too: start the runs on a fresh window and a clean log.
  await new Promise((r) => setTimeout(r, WINDOW_MS * 1.5));
  source.clearRequests();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await jobs?.stop();
  await database?.close();
  await source?.close();
  await Promise.all(pairings.map((p) => p.target.close()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('shared API budget: 20 connections on one Freshservice account', () => {
  it('all runs succeed without a single 429, within the limit, and waiting shows on the runs', async () => {
    // The last four days: three tickets of the demo account per connection.
    const since = new Date(Date.now() - 4 * 86_400_000 + 3_600_000).toISOString();
    const runIds = await Promise.all(
      pairings.map(
        async (p) =>
          (await must(app.inject({ method: 'POST', url: `/api/v1/connections/${p.connectionId}/sync-runs`, headers: p.auth, payload: { since } }), 202))
            .id as string,
      ),
    );

    // Watch the runs as a user would while they work.
    const sawWaiting = new Set<string>();
    const reasons = new Set<string>();
    const runs = new Map<string, any>();
    const deadline = Date.now() + 90_000;
    while (runs.size < runIds.length && Date.now() < deadline) {
      for (const [i, id] of runIds.entries()) {
        if (runs.has(id)) continue;
        const run = await must(app.inject({ url: `/api/v1/sync-runs/${id}`, headers: pairings[i]!.auth }), 200);
        if (run.waitingUntil) {
          sawWaiting.add(id);
          reasons.add(run.waitingReason);
          expect(run.status).toBe('running'); // waiting is not an error
        }
        if (run.status !== 'running') runs.set(id, run);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await jobs.idle();
    expect(runs.size).toBe(CONNECTIONS);

    for (const run of runs.values()) {
      expect(['success', 'no_tickets'], `${run.status}: ${run.error}`).toContain(run.status);
      expect(run.error).toBeNull();
      expect(run.waitingUntil).toBeNull(); // cleared when the run finished
      for (const d of run.details ?? []) {
        expect(d.outcome).not.toBe('failed');
        expect(String(d.error ?? '')).not.toMatch(/429|rate/i);
      }
      expect(run.counts.created).toBeGreaterThan(0);
    }

    // The account never refused a call, and no window-long stretch held more than the limit.
    const log = source.requests.filter((r) => r.path.startsWith('/api/v2'));
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    const times = log.map((r) => ({ t: Date.parse(r.at), credits: r.credits })).sort((x, y) => x.t - y.t);
    let most = 0;
    for (let i = 0, j = 0, sum = 0; i < times.length; i++) {
      sum += times[i]!.credits;
      while (times[j]!.t <= times[i]!.t - WINDOW_MS) sum -= times[j++]!.credits;
      most = Math.max(most, sum);
    }
    expect(most).toBeLessThanOrEqual(LIMIT);
    const spent = times.reduce((n, x) => n + x.credits, 0);
    const allowed = LIMIT * (1 - Number(HEADROOM));
    expect(spent).toBeGreaterThan(3 * allowed); // the runs needed several windows: the budget was really in play

    // Runs waited for budget and said so.
    expect(budget.waits).toBeGreaterThan(0);
    expect(sawWaiting.size).toBeGreaterThan(0);
    // In words: whose account, and how much of its budget is used (issue 12 item 13).
    expect([...reasons].join('\n')).toMatch(/Freshservice's rate limit of .+ \(API budget \d+% used\)/);
  }, 120_000);
});
