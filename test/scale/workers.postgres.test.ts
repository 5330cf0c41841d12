import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { startProcess, type ProductProcess } from './processes.ts';

if (!testDatabaseUrl) console.warn('[scale] skipped: set SF_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the multi-process tests');

const CONNECTIONS = Number(process.env.SCALE_CONNECTIONS ?? 50);
const TICKETS = 3;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!testDatabaseUrl)('one web process and two workers on PostgreSQL', () => {
  let dbHandle: { url: string; drop(): Promise<void> };
  let sql: pg.Client;
  let web: ProductProcess;
  const workers: ProductProcess[] = [];
  let base = '';
  const sources: FreshserviceSimulator[] = [];
  let target: FreshserviceSimulator;

  beforeAll(async () => {
    dbHandle = await createTempDatabase();
    sql = new pg.Client({ connectionString: dbHandle.url });
    await sql.connect();
    // One large provider account shared by all 50 provider organisations (its limit is not the subject here).
    target = await startFreshserviceSimulator({ name: 'provider', seed: 'empty', rateLimit: { overall: 100_000 } });
    for (let i = 0; i < CONNECTIONS; i++) {
      const sim = await startFreshserviceSimulator({ name: `customer-${i}`, seed: 'empty', rateLimit: false });
      const requester = sim.state.createUser({ first_name: `User${i}`, email: `user${i}@customer${i}.example` });
      const agent = sim.state.agentByProfile('admin')!;
      for (let j = 0; j < TICKETS; j++) {
        const t = sim.state.createTicket({
          subject: `C${i}-T${j}`,
          description: `<p>ticket ${j} of customer ${i}</p>`,
          requester_id: requester.id,
          priority: 2,
        });
        sim.state.addConversation(t.id, { kind: 'reply', body: `reply on C${i}-T${j}`, user_id: agent.id, private: false, source: 0 });
      }
      // Slow enough that runs overlap and a worker can be caught mid-run.
      sim.faults.set({ latencyMs: 30 });
      sources.push(sim);
    }
    const port = await freePort();
    const env = {
      DATABASE_URL: dbHandle.url,
      SF_SECRET_KEY: randomBytes(32).toString('hex'),
      SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
      // Runs are not cut short here (a loaded machine makes them slow); a dead worker's run is taken over
      // after SF_WORKER_TAKEOVER_SECONDS of silence, with its connection lock free.
      SF_SYNC_RUN_TIMEOUT_SECONDS: '300',
      SF_WORKER_TAKEOVER_SECONDS: '5',
      SF_QUEUE_MAINTENANCE_SECONDS: '2',
      SF_WORKER_CONCURRENCY: '4',
      // A create the killed worker sent but never recorded is looked for only after twice this (the
      // platform may still carry it out): kept short so the follow-up run below need not wait long.
      SF_PLATFORM_TIMEOUT_MS: '3000',
    };
    web = await startProcess('start', { ...env, SF_ROLE: 'web', SF_PORT: String(port) });
    await web.waitFor('Support Fusion is running');
    base = `http://127.0.0.1:${port}`;
    for (let w = 0; w < 2; w++) workers.push(await startProcess('worker', env));
    for (const w of workers) await w.waitFor('is working sync jobs');
  }, 120_000);

  afterAll(async () => {
    for (const p of [web, ...workers]) await p?.kill('SIGKILL');
    await sql?.end();
    for (const s of sources) await s.close();
    await target?.close();
    await dbHandle?.drop();
  }, 60_000);

  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = r.status === 204 ? null : await r.json();
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const login = async (org: string, email: string, sim: FreshserviceSimulator) => {
    await api('POST', '/api/v1/signup', { organisation: org, email, password: 'scale-password-1' });
    const { token } = await api('POST', '/api/v1/session', { email, password: 'scale-password-1' });
    await api('PUT', '/api/v1/platform', { platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor('admin') }, token);
    return token as string;
  };

  it('syncs 50 connections once each, never two workers on one connection, and survives a killed worker', async () => {
    const tokens: string[] = [];
    const connectionIds: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const customer = await login(`Customer ${i}`, `admin@customer${i}.example`, sources[i]!);
      const provider = await login(`Provider desk ${i}`, `desk${i}@provider.example`, target);
      // The provider account is shared by 50 organisations: their key passes Test Connection, so their runs
      // spend the account's own budget (an untested key gets only a small allowance of its own).
      if (i === 0) expect((await api('POST', '/api/v1/platform/test', undefined, provider)).ok).toBe(true);
      const conn = await api('POST', '/api/v1/connections', { role: 'source', contractName: `Contract ${i}` }, customer);
      await api('POST', '/api/v1/connections/accept', { verificationCode: conn.verificationCode }, provider);
      tokens.push(customer);
      connectionIds.push(conn.id);
    }
    for (let i = 0; i < CONNECTIONS; i++) {
      await api('POST', `/api/v1/connections/${connectionIds[i]}/sync-runs`, { since: '2020-01-01' }, tokens[i]);
    }

    // Kill the first worker while it is in the middle of a run: it has already talked to a customer's
    // account for a run that is still running.
    const victimPid = workers[0]!.child.pid!;
    const byVictim = (sim: FreshserviceSimulator) => sim.requests.filter((r) => r.userAgent?.includes(`worker ${victimPid})`)).length;
    const end = Date.now() + 30_000;
    for (;;) {
      const r = await sql.query("SELECT connection_id FROM sync_runs WHERE status = 'running' AND worker LIKE $1", [`%:${victimPid}`]);
      const simOf = (connectionId: string) => sources[connectionIds.indexOf(connectionId)];
      if (r.rows.some((row) => byVictim(simOf(row.connection_id)!) >= 3)) break;
      if (Date.now() > end) throw new Error('the first worker never got into a run');
      await new Promise((res) => setTimeout(res, 20));
    }
    if (!process.env.SCALE_NO_KILL) await workers[0]!.kill('SIGKILL');

    // Everything finishes on the surviving worker.
    const done = Date.now() + Number(process.env.SCALE_WAIT_MS ?? 120_000);
    for (;;) {
      const r = await sql.query(
        "SELECT count(DISTINCT connection_id)::int AS ok, (SELECT count(*)::int FROM sync_runs WHERE status IN ('running')) AS running FROM sync_runs WHERE status = 'success'",
      );
      if (r.rows[0].ok === CONNECTIONS && r.rows[0].running === 0) break;
      if (Date.now() > done) {
        const jobs = await sql.query('SELECT name, state, singleton_key, retry_count, output FROM pgboss.job ORDER BY created_on');
        const locks = await sql.query(
          "SELECT l.objid, a.pid, a.state, a.query, a.client_port, a.datname FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'",
        );
        const running = await sql.query(
          "SELECT r.id, r.worker, r.heartbeat_at, r.started_at, (SELECT count(*) FROM sync_run_details d WHERE d.run_id = r.id) AS details, c.id AS conn FROM sync_runs r JOIN connections c ON c.id = r.connection_id WHERE r.status = 'running'",
        );
        throw new Error(
          `not finished: ${JSON.stringify(r.rows[0])}\nVICTIM ${victimPid} RUNNING ${JSON.stringify(running.rows)}\nLOCKS ${JSON.stringify(locks.rows)}\n${JSON.stringify(jobs.rows.slice(0, 20))}\n${workers[1]!.output().slice(-3000)}`,
        );
      }
      await new Promise((res) => setTimeout(res, 250));
    }
    // A create the killed worker had sent without recording its answer is settled by a later run of that
    // connection, once the platform cannot still be carrying it out (the run that took over left it open).
    // Those connections are run again until no create is left open.
    const settleBy = Date.now() + 120_000;
    for (;;) {
      const open = await sql.query('SELECT DISTINCT connection_id FROM create_intents');
      const running = await sql.query("SELECT count(*)::int AS n FROM sync_runs WHERE status = 'running'");
      if (open.rows.length === 0 && running.rows[0].n === 0) break;
      if (Date.now() > settleBy) throw new Error(`creates left open: ${JSON.stringify(open.rows)}`);
      if (running.rows[0].n === 0) {
        await new Promise((res) => setTimeout(res, 6_500)); // past the settle time (twice SF_PLATFORM_TIMEOUT_MS)
        for (const row of open.rows) {
          const i = connectionIds.indexOf(row.connection_id);
          await api('POST', `/api/v1/connections/${connectionIds[i]}/sync-runs`, { since: '2020-01-01' }, tokens[i]);
        }
      }
      await new Promise((res) => setTimeout(res, 250));
    }
    const failed = await sql.query("SELECT count(*)::int AS n FROM sync_runs WHERE status NOT IN ('success', 'no_tickets')");
    expect(failed.rows[0].n).toBe(0);

    // Every source ticket exists exactly once on the provider's side.
    const subjects = [...target.state.tickets.values()].map((t) => t.subject);
    expect(subjects).toHaveLength(CONNECTIONS * TICKETS);
    expect(new Set(subjects).size).toBe(CONNECTIONS * TICKETS);

    // From each customer account's request log: the workers' activity on it never overlaps in time.
    let takenOver = 0;
    for (const sim of sources) {
      const byWorker = new Map<string, { from: number; to: number }>();
      for (const r of sim.requests) {
        const who = /worker (\d+)/.exec(r.userAgent ?? '')?.[1] ?? 'unknown';
        const span = byWorker.get(who) ?? { from: Infinity, to: -Infinity };
        span.from = Math.min(span.from, r.startedMs);
        span.to = Math.max(span.to, r.finishedMs ?? r.startedMs);
        byWorker.set(who, span);
      }
      expect(byWorker.has('unknown')).toBe(false);
      const spans = [...byWorker.values()].sort((a, b) => a.from - b.from);
      for (let k = 1; k < spans.length; k++) expect(spans[k]!.from).toBeGreaterThanOrEqual(spans[k - 1]!.to);
      if (byWorker.size > 1 && byWorker.has(String(victimPid))) takenOver++;
    }
    // The killed worker's unfinished connections were completed by the other one.
    expect(takenOver).toBeGreaterThan(0);
  }, 240_000);
});
