import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { World } from './world.ts';

const launcher = fileURLToPath(new URL('../../../bin/support-fusion.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The password the world's administrators signed up with (test/helpers/stack.ts signUpAndLogIn). */
const PASSWORD = 'correct horse battery';

export interface ProductRun {
  child: ChildProcess;
  /** Resolves once it serves HTTP; rejects when it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** "Sync now" as the source's administrator: the run's id (the run left running when it answers 409). */
  syncNow(since: Date): Promise<string>;
  /** Reads the run until it is no longer running; rejects after `ms` (a run that never ends is a finding). */
  waitForRun(runId: string, ms?: number): Promise<{ status: string; error: string | null }>;
  /** SIGTERM and wait (graceful stop: the store is closed and unlocked). */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real product, `support-fusion start`, on the world's store: the same start-up (release of jobs a killed
 * process left active, interrupted runs marked Failed on PGlite, takeover of a dead worker's run on PostgreSQL),
 * the same pg-boss queue and workers, the same HTTP API an operator's "Sync now" goes through.
 */
export async function startProduct(world: World, adminEmail: string): Promise<ProductRun> {
  const port = await freePort();
  const child = spawn(process.execPath, [launcher, 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...world.childEnv,
      SF_PORT: String(port),
      SF_HOST: '127.0.0.1',
      SF_LOG_LEVEL: 'info',
      SF_SHUTDOWN_TIMEOUT_SECONDS: '5',
      // PostgreSQL: the killed process's run is taken over after this much silence (default 60 s).
      SF_WORKER_TAKEOVER_SECONDS: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}/api/v1`;
  const ready = (async () => {
    for (;;) {
      if (/Support Fusion is running/.test(out)) return;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the product exited (${child.exitCode ?? child.signalCode}) before it ran:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let token: string | null = null;
  const call = async (method: string, path: string, body?: unknown) => {
    if (!token) {
      const login = await fetch(`${base}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: adminEmail, password: PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`log-in as ${adminEmail}: ${login.status} ${await login.text()}`);
      token = ((await login.json()) as { token: string }).token;
    }
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    child,
    ready,
    exited,
    output: () => out,
    async syncNow(since) {
      const r = await call('POST', `/connections/${world.connectionId}/sync-runs`, { since: since.toISOString() });
      if (r.status === 202) return r.body.id as string;
      if (r.status === 409) {
        const running = await call('GET', `/sync-runs?connection=${world.connectionId}&status=running`);
        const id = running.body.runs?.[0]?.id as string | undefined;
        if (id) return id;
      }
      throw new Error(`Sync now: ${r.status} ${JSON.stringify(r.body)}`);
    },
    async waitForRun(runId, ms = 300_000) {
      const end = Date.now() + ms;
      for (;;) {
        if (Date.now() > end) throw new Error(`run ${runId} still running after ${ms} ms`);
        const r = await call('GET', `/sync-runs/${runId}`);
        if (r.status !== 200) throw new Error(`run ${runId}: ${r.status} ${JSON.stringify(r.body)}`);
        if (r.body.status !== 'running') return { status: r.body.status as string, error: (r.body.error ?? null) as string | null };
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the product exited during run ${runId}:\n${out.slice(-3000)}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
