import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../../src/config/env.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { registerOwnServer } from '../../src/connector-kit/ssrf.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { seedMigratedDatabase } from './pglite-template.ts';
import { buildApp } from '../../src/server/app.ts';
import { startBoss } from '../../src/queue/boss.ts';
import { engineDeps } from '../../src/sync/deps.ts';
import { startNotifications } from '../../src/notifications/notifier.ts';
import { inlineSyncJobs, startSyncQueue, type QueueOptions, type SyncJobs } from '../../src/sync/jobs.ts';

export interface TestStack {
  url: string;
  app: FastifyInstance;
  config: AppConfig;
  database: DatabaseHandle;
  dataDir: string;
  jobs: SyncJobs;
  close(): Promise<void>;
}

/**
 * The product as `npm start` runs it (embedded PGlite in a temp data directory, generated master key,
 * built UI), on a random port, with private platform URLs allowed so it can reach the simulator.
 * With `listen: false` the app is only built, for inject().
 */
export async function startStack(
  opts: { env?: Record<string, string>; listen?: boolean; jobs?: 'inline' | 'boss'; queue?: Partial<QueueOptions> } = {},
): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-stack-'));
  const config = loadConfig({
    SF_DATA_DIR: dataDir,
    SF_PORT: '0',
    SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
    SF_PLATFORM_TIMEOUT_MS: '1500',
    SF_LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
  if (!config.databaseUrl) await seedMigratedDatabase(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const ctx = { config, db: database.db, masterKey };
  // Inline by default: API tests need runs worked, not the queue; 'boss' runs them through pg-boss.
  const boss = opts.jobs === 'boss' ? await startBoss(database.boss, { maintenanceIntervalSeconds: 5 }) : undefined;
  const deps = engineDeps(ctx);
  // With the job engine, failure notifications are claimed and delivered as in production (src/runtime.ts).
  const notifier = boss ? await startNotifications(boss, ctx, { work: true, retryDelaySeconds: 1 }) : undefined;
  const jobs = boss
    ? await startSyncQueue(boss, deps, {
        work: true,
        worker: 'test',
        locks: database.locks,
        concurrency: 2,
        runTimeoutSeconds: 60,
        tickSeconds: config.schedulerTickSeconds,
        intervalMinutes: config.syncIntervalMinutes,
        retention: { db: database.db, days: config.retentionDays },
        ...(notifier ? { runEnded: notifier.runEnded, onTick: notifier.sweep } : {}),
        ...opts.queue,
      })
    : inlineSyncJobs({ ...deps, locks: database.locks });
  const app = await buildApp({ ...ctx, jobs, ...(boss ? { boss } : {}) }, { logger: false });
  let url = '';
  if (opts.listen !== false) {
    registerOwnServer(app.server); // as src/server/server.ts does
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : '';
  } else {
    await app.ready();
  }
  const stack: TestStack = {
    url,
    app,
    config,
    database,
    dataDir,
    jobs,
    close: async () => {
      await app.close();
      await jobs.stop();
      await notifier?.stop();
      await boss?.stop({ graceful: false, wait: true });
      // A test may reopen the store (to check what is on disk); close whichever is current.
      await stack.database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Signs up a fresh organisation through the API and returns its bearer token. */
export async function signUpAndLogIn(app: FastifyInstance, suffix = Math.random().toString(36).slice(2, 8)) {
  const email = `admin-${suffix}@example.com`;
  const password = 'correct horse battery';
  const signup = await app.inject({ method: 'POST', url: '/api/v1/signup', payload: { organisation: `Org ${suffix}`, email, password } });
  if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.statusCode} ${signup.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } });
  const token = (login.json() as { token: string }).token;
  return { email, password, token, auth: { authorization: `Bearer ${token}` }, organisation: signup.json().organisation as { id: string; name: string } };
}

type SignedIn = Awaited<ReturnType<typeof signUpAndLogIn>>;

/**
 * Saves untested platform settings so the organisation may create connections (POST /connections answers
 * 409 platform_not_configured before). By default they point where nothing listens (the discard port: any
 * call is refused at once, nothing leaves the machine), which needs SF_ALLOW_PRIVATE_PLATFORM_URLS=1.
 */
export async function savePlatform(
  app: FastifyInstance,
  who: { auth: Record<string, string> },
  settings = { apiUrl: 'http://127.0.0.1:9', apiKey: 'PlaceholderKey0000001' },
): Promise<void> {
  const r = await app.inject({ method: 'PUT', url: '/api/v1/platform', headers: who.auth, payload: { platform: 'freshservice', ...settings } });
  if (r.statusCode !== 200) throw new Error(`platform settings: ${r.statusCode} ${r.body}`);
}

/**
 * Two signed-in organisations with their platform settings pointing at `sims` (admin keys), connected
 * as "Acme managed IT": `a` is the source, `b` accepted as the target.
 */
export async function connectTwoOrganisations(
  app: FastifyInstance,
  [a, b]: [SignedIn, SignedIn],
  [simA, simB]: [{ url: string; keyFor(profile: string): string }, { url: string; keyFor(profile: string): string }],
): Promise<string> {
  for (const [who, sim] of [
    [a, simA],
    [b, simB],
  ] as const) {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: who.auth,
      payload: { platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor('admin') },
    });
    if (r.statusCode !== 200) throw new Error(`platform settings: ${r.statusCode} ${r.body}`);
  }
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connections',
    headers: a.auth,
    payload: { role: 'source', contractName: 'Acme managed IT' },
  });
  if (created.statusCode !== 201) throw new Error(`create connection: ${created.statusCode} ${created.body}`);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/connections/accept',
    headers: b.auth,
    payload: { verificationCode: created.json().verificationCode },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept connection: ${accepted.statusCode} ${accepted.body}`);
  return created.json().id as string;
}
