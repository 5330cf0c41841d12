/**
 * `npm run bench`: speed and memory of the parts that matter, on embedded storage and the simulator.
 * Prints one line per measurement; numbers, not pass/fail (machines here are shared and noisy).
 *   - first sync of N source tickets (each with a reply) to an empty target: tickets/second
 *   - a second sync with nothing changed: time, and writes made (must be 0)
 *   - one changed ticket after that: latency of a manual run
 *   - pg-boss on PGlite: 1,000 jobs sent and worked
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.ts';
import { openDatabase } from '../src/db/database.ts';
import { startBoss } from '../src/queue/boss.ts';
import { loadMasterKey } from '../src/security/secret-key.ts';
import { buildApp } from '../src/server/app.ts';
import { startFreshserviceSimulator } from '../src/simulator/freshservice/index.ts';
import { engineDeps } from '../src/sync/deps.ts';
import { inlineSyncJobs } from '../src/sync/jobs.ts';

const N = Number(process.env.BENCH_TICKETS ?? 300);
const mb = () => Math.round(process.memoryUsage().rss / 1048576);
const report = (what: string, value: string) => console.log(`${what.padEnd(48)} ${value}`);

async function benchSync(): Promise<void> {
  const src = await startFreshserviceSimulator({ name: 'acme', seed: 'empty', rateLimit: false });
  const tgt = await startFreshserviceSimulator({ name: 'globex', seed: 'empty', rateLimit: false });
  const requester = src.state.createUser({ first_name: 'Bench', email: 'bench@acme.example' });
  const agent = src.state.agentByProfile('admin')!;
  for (let i = 0; i < N; i++) {
    const t = src.state.createTicket({ subject: `Bench ticket ${i}`, description: `<p>Body ${i}</p>`, requester_id: requester.id, priority: 1 + (i % 4) });
    src.state.addConversation(t.id, { kind: 'reply', body: `Reply on ${i}`, user_id: agent.id, private: false, source: 0 });
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-'));
  const config = loadConfig({ SF_DATA_DIR: dataDir, SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_LOG_LEVEL: 'silent' });
  const masterKey = await loadMasterKey(undefined, dataDir);
  const database = await openDatabase({ dataDir });
  const ctx = { config, db: database.db, masterKey };
  const jobs = inlineSyncJobs({ ...engineDeps(ctx), locks: database.locks });
  const app = await buildApp({ ...ctx, jobs }, { logger: false });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, token?: string) => {
    const r = await app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
    return r.json();
  };
  const tokens: string[] = [];
  for (const [name, sim] of [['Acme', src], ['Globex', tgt]] as const) {
    const email = `admin@${name.toLowerCase()}.bench`;
    await call('POST', '/api/v1/signup', { organisation: name, email, password: 'bench-password-1' });
    const { token } = await call('POST', '/api/v1/session', { email, password: 'bench-password-1' });
    await call('PUT', '/api/v1/platform', { platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor('admin') }, token);
    tokens.push(token);
  }
  const conn = await call('POST', '/api/v1/connections', { role: 'source', contractName: 'bench' }, tokens[0]);
  await call('POST', '/api/v1/connections/accept', { verificationCode: conn.verificationCode }, tokens[1]);
  const sync = async () => {
    const started = performance.now();
    const run = await call('POST', `/api/v1/connections/${conn.id}/sync-runs`, { since: '2020-01-01' }, tokens[0]);
    await jobs.idle();
    const done = await call('GET', `/api/v1/sync-runs/${run.id}`, undefined, tokens[0]);
    return { ms: performance.now() - started, run: done };
  };

  const rss0 = mb();
  const first = await sync();
  report(`first sync, ${N} tickets + ${N} replies`, `${Math.round(first.ms)} ms  (${(N / (first.ms / 1000)).toFixed(1)} tickets/s, created ${first.run.counts.created}, rss +${mb() - rss0} MB)`);
  tgt.clearRequests();
  const idle = await sync();
  const writes = tgt.requests.filter((r) => r.method !== 'GET').length;
  report('second sync, nothing changed', `${Math.round(idle.ms)} ms  (status ${idle.run.status}, writes ${writes})`);
  await new Promise((r) => setTimeout(r, 1100));
  const t0 = src.state.tickets.values().next().value!;
  t0.subject = 'Bench ticket changed';
  src.state.touchTicket(t0);
  const one = await sync();
  report('one changed ticket, manual run', `${Math.round(one.ms)} ms  (updated ${one.run.counts.updated})`);
  await app.close();
  await database.close();
  await src.close();
  await tgt.close();
  await rm(dataDir, { recursive: true, force: true });
}

async function benchBoss(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-boss-'));
  const database = await openDatabase({ dataDir });
  const boss = await startBoss(database.boss);
  await boss.createQueue('bench');
  const started = performance.now();
  let worked = 0;
  const all = new Promise<void>((resolve) => {
    void boss.work('bench', { batchSize: 50, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      worked += jobs.length;
      if (worked >= 1000) resolve();
    });
  });
  for (let i = 0; i < 1000; i += 100) await boss.insert(Array.from({ length: 100 }, (_, k) => ({ name: 'bench', data: { i: i + k } })));
  await all;
  report('pg-boss on PGlite, 1,000 jobs sent and worked', `${Math.round(performance.now() - started)} ms`);
  await boss.stop({ graceful: false, wait: true });
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
}

await benchSync();
await benchBoss();
report('peak rss', `${mb()} MB`);
process.exit(0);
