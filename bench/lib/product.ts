import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, type Proc } from './proc.ts';
import type { SimAccount } from './sim.ts';
import { freePort, sleep, until } from './util.ts';

export interface ProductOptions {
  /** PostgreSQL URL; embedded PGlite when absent. */
  databaseUrl?: string;
  role?: 'all' | 'web';
  env?: Record<string, string>;
  /** Directory for `node --cpu-prof` output; no profiling when absent. */
  cpuProfDir?: string;
  label?: string;
  secretKey?: string;
}

export interface Product {
  proc: Proc;
  base: string;
  secretKey: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  stop(): Promise<void>;
}

const baseEnv = (o: ProductOptions, dataDir: string, secretKey: string): Record<string, string> => ({
  SF_DATA_DIR: dataDir,
  SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
  SF_LOG_LEVEL: 'warn',
  SF_SECRET_KEY: secretKey,
  ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
  ...(o.env ?? {}),
});

const profArgs = (o: ProductOptions) => (o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []);

/** `support-fusion start` as its own process on a free loopback port. */
export async function startProduct(o: ProductOptions = {}): Promise<Product> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-'));
  const port = await freePort();
  const secretKey = o.secretKey ?? randomBytes(32).toString('hex');
  const proc = spawnCli(
    o.label ?? 'product',
    ['start'],
    { ...baseEnv(o, dataDir, secretKey), SF_PORT: String(port), SF_LOG_LEVEL: 'info', ...(o.role ? { SF_ROLE: o.role } : {}), ...(o.env ?? {}) },
    profArgs(o),
  );
  await proc.waitFor('Support Fusion is running', 120_000);
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    base,
    secretKey,
    api: (method, path, body, token) => apiCall(base, method, path, body, token),
    async stop() {
      await proc.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `support-fusion worker` (PostgreSQL only). */
export async function startWorker(o: ProductOptions & { databaseUrl: string; secretKey: string }): Promise<Proc & { cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-worker-'));
  const proc = spawnCli(o.label ?? 'worker', ['worker'], { ...baseEnv(o, dataDir, o.secretKey), SF_LOG_LEVEL: 'info' }, profArgs(o));
  await proc.waitFor('is working sync jobs', 120_000);
  return Object.assign(proc, { cleanup: () => rm(dataDir, { recursive: true, force: true }) });
}

export async function apiCall<T = any>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    // Sign-up and log-in are throttled per address: a benchmark that creates hundreds of organisations waits.
    if (r.status === 429 && attempt < 30) {
      await sleep(Math.min(60_000, Number(r.headers.get('retry-after') ?? 2) * 1000));
      continue;
    }
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

const PASSWORD = 'bench-password-1';

/** Signs an organisation up, logs in, saves its platform (a simulator account); returns the session token. */
export async function setupOrganisation(p: Product, organisation: string, email: string, account: SimAccount): Promise<string> {
  await p.api('POST', '/api/v1/signup', { organisation, email, password: PASSWORD });
  const { token } = await p.api<{ token: string }>('POST', '/api/v1/session', { email, password: PASSWORD });
  await p.api('PUT', '/api/v1/platform', { platform: 'freshservice', apiUrl: account.url, apiKey: account.key }, token);
  return token;
}

export interface Pair {
  connectionId: string;
  sourceToken: string;
  targetToken: string;
}

/** A connection from `sourceToken`'s organisation (source) accepted by `targetToken`'s. */
export async function connect(p: Product, sourceToken: string, targetToken: string, contractName: string): Promise<Pair> {
  const conn = await p.api<{ id: string; verificationCode: string }>('POST', '/api/v1/connections', { role: 'source', contractName }, sourceToken);
  await p.api('POST', '/api/v1/connections/accept', { verificationCode: conn.verificationCode }, targetToken);
  return { connectionId: conn.id, sourceToken, targetToken };
}

/** Two organisations on two accounts, connected. */
export async function pairOrganisations(p: Product, source: SimAccount, target: SimAccount, tag = 'bench'): Promise<Pair> {
  const sourceToken = await setupOrganisation(p, `Customer ${tag}`, `admin@customer-${tag}.bench`, source);
  const targetToken = await setupOrganisation(p, `Provider ${tag}`, `admin@provider-${tag}.bench`, target);
  return connect(p, sourceToken, targetToken, `Contract ${tag}`);
}

export interface RunView {
  id: string;
  connectionId: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: { created: number; updated: number; closed: number; failed: number };
  error?: string | null;
  waitingUntil?: string | null;
}

export async function startManualRun(p: Product, pair: Pair, since: string): Promise<string> {
  const r = await p.api<{ id: string }>('POST', `/api/v1/connections/${pair.connectionId}/sync-runs`, { since }, pair.sourceToken);
  return r.id;
}

/** The connection's runs (newest first), without their details (cheap to poll). */
export async function listRuns(p: Product, pair: Pair, since?: Date): Promise<RunView[]> {
  const q = `connection=${pair.connectionId}${since ? `&from=${encodeURIComponent(since.toISOString())}` : ''}`;
  return (await p.api<{ runs: RunView[] }>('GET', `/api/v1/sync-runs?${q}`, undefined, pair.sourceToken)).runs;
}

/** Waits for run `id` to finish, polling the run list (not the run itself, whose details grow with the run). */
export async function waitForRun(p: Product, pair: Pair, id: string, timeoutMs: number, everyMs = 500): Promise<RunView> {
  return until(`run ${id}`, async () => (await listRuns(p, pair)).find((r) => r.id === id && r.status !== 'running'), { timeoutMs, everyMs });
}

/** Waits for a run of `trigger` started after `after` to finish. */
export async function waitForNextRun(p: Product, pair: Pair, trigger: string, after: Date, timeoutMs: number, everyMs = 500): Promise<RunView> {
  return until(
    `a ${trigger} run after ${after.toISOString()}`,
    async () =>
      (await listRuns(p, pair, new Date(after.getTime() - 1000))).find((r) => r.trigger === trigger && new Date(r.startedAt) > after && r.status !== 'running'),
    { timeoutMs, everyMs },
  );
}

export async function setAutomaticSync(p: Product, pair: Pair, enabled: boolean): Promise<void> {
  await p.api('PUT', `/api/v1/connections/${pair.connectionId}/automatic-sync`, { enabled }, pair.sourceToken);
}

export async function webhookUrl(p: Product, pair: Pair): Promise<string> {
  return (await p.api<{ url: string }>('GET', `/api/v1/connections/${pair.connectionId}/webhook`, undefined, pair.sourceToken)).url;
}
