import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../../../src/config/env.ts';
import type { Mappings } from '../../../src/core/sync-config.ts';
import { openDatabase, type DatabaseHandle, type Db } from '../../../src/db/database.ts';
import { seedMigratedDatabase } from '../../helpers/pglite-template.ts';
import { realSleep } from '../../../src/connector-kit/retry.ts';
import { createConnector } from '../../../src/connectors/registry.ts';
import { createRateBudget } from '../../../src/db/repositories/rate-budget.ts';
import { recordCredentialTest } from '../../../src/db/repositories/tested-credentials.ts';
import { credentialFingerprint } from '../../../src/connector-kit/budget-account.ts';
import { getRun, startRun } from '../../../src/db/repositories/sync-runs.ts';
import { sideCredentials } from '../../../src/sync/side-connector.ts';
import { loadMasterKey } from '../../../src/security/secret-key.ts';
import { buildApp } from '../../../src/server/app.ts';
import type { FreshserviceSimulator, SimulatorOptions } from '../../../src/simulator/freshservice/index.ts';
import type { Side } from '../../../src/sync/field-mapping.ts';
import { startAccount, type Account, type PlatformPair } from './accounts.ts';
import { workConnectionJob } from '../../../src/sync/coordinator.ts';
import { engineDeps } from '../../../src/sync/deps.ts';
import type { EngineDeps, RunOutcome } from '../../../src/sync/engine.ts';
import { inlineSyncJobs } from '../../../src/sync/jobs.ts';
import { createTempDatabase, testDatabaseUrl } from '../../helpers/postgres.ts';
import { signUpAndLogIn } from '../../helpers/stack.ts';
import { pendingWork } from './pending.ts';

/**
 * One test world: two simulated accounts (Acme = source, Globex = target; Freshservice unless
 * `platforms` says otherwise, see lib/accounts.ts) in this process,
 * and one Support Fusion store holding two organisations paired by an active connection, set up through
 * the product's own API. The store is PGlite on disk — which a child process may open while this process
 * does not — or a throw-away PostgreSQL database (SF_TEST_DATABASE_URL, `storage: 'postgres'`).
 *
 * Setting up PGlite from nothing takes seconds (initdb, migrations, password hashing), so a suite sets up
 * one template through the API and each trial starts from a copy of it, pointed at its own simulators.
 */
export type Storage = 'disk' | 'postgres';

export interface WorldOptions {
  storage?: Storage;
  /** SF_PLATFORM_TIMEOUT_MS of the product (small, so hangs are "past the timeout" quickly). */
  timeoutMs?: number;
  source?: SimulatorOptions;
  target?: SimulatorOptions;
  configuration?: { source?: Record<string, unknown>; target?: Record<string, unknown> };
  mappings?: Mappings;
  /** The platforms of the two accounts (default: Freshservice on both sides). */
  platforms?: PlatformPair;
}

export interface SyncResult {
  runId: string;
  trigger: string;
  outcome: RunOutcome;
  /** Retries, open create intents and unfinished comment copies left for a later run. */
  pending: number;
}

export interface OpenWorld {
  db: Db;
  database: DatabaseHandle;
  config: AppConfig;
  masterKey: Buffer;
  /** The product's own wiring (stored credentials, shared API budget). */
  deps: EngineDeps;
  /**
   * The same wiring with the connectors' retry waits (backoff, Retry-After) compressed by `timeScale`
   * (0.1: a Retry-After of 1 s waits 100 ms), so a fault matrix of thousands of requests fits in CI.
   */
  compressedDeps(timeScale: number, log?: EngineDeps['log']): EngineDeps;
  /**
   * One run as the product works it: a manual run (the row the API would insert) from `since`, or an
   * automatic / webhook run started by the coordinator from the cursors.
   */
  sync(trigger: 'manual' | 'automatic' | 'webhook', since?: Date, deps?: EngineDeps): Promise<SyncResult>;
  pending(): Promise<number>;
  close(): Promise<void>;
}

export interface World {
  /** The simulators of a Freshservice side (the suites written for Freshservice pairs); other platforms: `accounts`. */
  source: FreshserviceSimulator;
  target: FreshserviceSimulator;
  /** Both sides through the platform-neutral adapter. */
  accounts: Record<Side, Account>;
  platforms: PlatformPair;
  connectionId: string;
  dataDir: string;
  storage: Storage;
  timeoutMs: number;
  /** The environment the product's own process (lib/product.ts: `support-fusion start`) needs for this world's store. */
  childEnv: Record<string, string>;
  /** Opens the store in this process (PGlite: only while no child has it open). */
  open(): Promise<OpenWorld>;
  close(): Promise<void>;
}

export { unlimited } from './accounts.ts';

export const postgresAvailable = !!testDatabaseUrl;

/**
 * The world's admin keys count as having passed Test Connection (at their simulators' current URLs), so
 * their runs spend their accounts' budgets, whose limits the product learns, rather than the small
 * allowance of an untested key.
 */
async function markKeysTested(db: DatabaseHandle['db'], sims: Record<Side, Account>): Promise<void> {
  for (const [name, sim] of [
    ['acme', sims.source],
    ['globex', sims.target],
  ] as const) {
    const orgs = await db.selectFrom('organisations').select('id').where('name', 'like', `Org ${name}%`).execute();
    for (const o of orgs) await recordCredentialTest(db, o.id, credentialFingerprint(sim.url, sim.budgetSecret()), true);
  }
}

/** A prepared PGlite data directory (organisations, platforms, connection); see createWorld. */
export interface WorldTemplate {
  dir: string;
  connectionId: string;
  timeoutMs: number;
  platforms: PlatformPair;
  close(): Promise<void>;
}

const baseEnv = (dataDir: string, timeoutMs: number, databaseUrl?: string): Record<string, string> => ({
  SF_DATA_DIR: dataDir,
  SF_ALLOW_PRIVATE_PLATFORM_URLS: '1',
  SF_PLATFORM_TIMEOUT_MS: String(timeoutMs),
  SF_LOG_LEVEL: 'silent',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});

/** Two organisations, their platforms and a connection, through the API (as two administrators would). */
async function setUpThroughApi(
  config: AppConfig,
  masterKey: Buffer,
  database: DatabaseHandle,
  sims: Record<Side, Account>,
  opts: WorldOptions,
): Promise<string> {
  const ctx = { config, db: database.db, masterKey };
  const app: FastifyInstance = await buildApp({ ...ctx, jobs: inlineSyncJobs({ ...engineDeps(ctx), locks: database.locks }) }, { logger: false });
  await app.ready();
  try {
    const must = async (p: Promise<{ statusCode: number; body: string; json(): any }>, status: number) => {
      const r = await p;
      if (r.statusCode !== status) throw new Error(`world set-up: expected ${status}, got ${r.statusCode}: ${r.body}`);
      return r.json();
    };
    const a = await signUpAndLogIn(app, `acme${Math.random().toString(36).slice(2, 7)}`);
    const b = await signUpAndLogIn(app, `globex${Math.random().toString(36).slice(2, 7)}`);
    for (const [auth, sim] of [
      [a.auth, sims.source],
      [b.auth, sims.target],
    ] as const) {
      await must(
        app.inject({
          method: 'PUT',
          url: '/api/v1/platform',
          headers: auth,
          payload: sim.platformSettings(),
        }),
        200,
      );
    }
    const created = await must(
      app.inject({ method: 'POST', url: '/api/v1/connections', headers: a.auth, payload: { role: 'source', contractName: 'Reliability' } }),
      201,
    );
    await must(
      app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: b.auth, payload: { verificationCode: created.verificationCode } }),
      200,
    );
    const connectionId = created.id as string;
    for (const [side, auth] of [
      ['source', a.auth],
      ['target', b.auth],
    ] as const) {
      const own = sims[side].sideConfiguration();
      const configuration = opts.configuration?.[side] || Object.keys(own).length > 0 ? { ...opts.configuration?.[side], ...own } : null;
      if (!configuration) continue;
      const put = await app.inject({ method: 'PUT', url: `/api/v1/connections/${connectionId}/configuration`, headers: auth, payload: { configuration } });
      // Reverse sync writes into the source's platform: the world's source admin approves it (write consent).
      if (put.statusCode === 202)
        await must(
          app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/change-proposals/${put.json().proposal.id}/approve`, headers: a.auth }),
          200,
        );
      else if (put.statusCode !== 200) throw new Error(`configuration not saved: ${put.statusCode} ${put.body}`);
    }
    if (opts.mappings) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/mappings`,
        headers: a.auth,
        payload: { mappings: opts.mappings },
      });
      // Writes into the target's platform wait for its admin (write consent): the world's target agrees.
      if (put.statusCode === 202)
        await must(
          app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/change-proposals/${put.json().proposal.id}/approve`, headers: b.auth }),
          200,
        );
      else if (put.statusCode !== 200) throw new Error(`mappings not saved: ${put.statusCode} ${put.body}`);
    }
    return connectionId;
  } finally {
    await app.close();
  }
}

const defaultPlatforms: PlatformPair = { source: 'freshservice', target: 'freshservice' };

const startSims = async (opts: WorldOptions): Promise<Record<Side, Account>> => {
  const p = opts.platforms ?? defaultPlatforms;
  return {
    source: await startAccount(p.source, 'acme', opts.source ? { freshservice: opts.source } : {}),
    target: await startAccount(p.target, 'globex', opts.target ? { freshservice: opts.target } : {}),
  };
};

/** The Freshservice simulator of a side, for the suites written against it; other platforms have none. */
function freshserviceOf(a: Account, side: Side): FreshserviceSimulator {
  if (!a.freshservice) throw new Error(`the ${side} of this world is ${a.platform}: use world.accounts.${side}`);
  return a.freshservice;
}

/** Sets up one PGlite store through the API; worlds made from it differ only in their simulators. */
export async function createTemplate(opts: WorldOptions = {}): Promise<WorldTemplate> {
  const timeoutMs = opts.timeoutMs ?? 1_500;
  const sims = await startSims(opts);
  const dir = await mkdtemp(join(tmpdir(), 'sf-reliability-template-'));
  try {
    const config = loadConfig(baseEnv(dir, timeoutMs));
    const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
    await seedMigratedDatabase(config.dataDir);
    const database = await openDatabase({ dataDir: config.dataDir });
    const connectionId = await setUpThroughApi(config, masterKey, database, sims, opts);
    await database.close();
    return { dir, connectionId, timeoutMs, platforms: opts.platforms ?? defaultPlatforms, close: () => rm(dir, { recursive: true, force: true }) };
  } finally {
    await sims.source.close();
    await sims.target.close();
  }
}

/**
 * A world with fresh simulators: from a template (PGlite, a copy of its directory with the platform URLs
 * pointed at the new simulators), or set up from nothing (`opts`, e.g. PostgreSQL).
 */
export async function createWorld(opts: WorldOptions & { template?: WorldTemplate } = {}): Promise<World> {
  const storage = opts.storage ?? 'disk';
  if (storage === 'postgres' && opts.template) throw new Error('templates are PGlite directories; PostgreSQL worlds are set up from nothing');
  const timeoutMs = opts.template?.timeoutMs ?? opts.timeoutMs ?? 1_500;
  const platforms = opts.template?.platforms ?? opts.platforms ?? defaultPlatforms;
  const sims = await startSims({ ...opts, platforms });
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-reliability-'));
  let tempDb: Awaited<ReturnType<typeof createTempDatabase>> | null = null;
  if (storage === 'postgres') {
    if (!testDatabaseUrl) throw new Error('storage postgres needs SF_TEST_DATABASE_URL');
    tempDb = await createTempDatabase();
  }
  const env = baseEnv(dataDir, timeoutMs, tempDb?.url);
  const config = loadConfig(env);
  const openDb = () => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });

  let connectionId: string;
  if (opts.template) {
    await cp(opts.template.dir, dataDir, { recursive: true });
    connectionId = opts.template.connectionId;
    const database = await openDb();
    // The same account names (and so the same API keys); only the simulators' ports are new.
    for (const [name, sim] of [
      ['acme', sims.source],
      ['globex', sims.target],
    ] as const) {
      await database.db
        .updateTable('platform_configs')
        .set({ api_url: sim.url })
        .where('api_url', 'like', `http://127.0.0.1:%`)
        .where('organisation_id', 'in', (eb) => eb.selectFrom('organisations').select('id').where('name', 'like', `Org ${name}%`))
        .execute();
    }
    await markKeysTested(database.db, sims);
    await database.close();
  } else {
    const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
    if (!config.databaseUrl) await seedMigratedDatabase(config.dataDir);
    const database = await openDb();
    connectionId = await setUpThroughApi(config, masterKey, database, sims, opts);
    await markKeysTested(database.db, sims);
    await database.close();
  }
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);

  let current: OpenWorld | null = null;
  const wrap = (handle: DatabaseHandle): OpenWorld => {
    const deps = engineDeps({ config, db: handle.db, masterKey });
    const pending = () => pendingWork(handle.db, connectionId);
    const ow: OpenWorld = {
      db: handle.db,
      database: handle,
      config,
      masterKey,
      deps,
      compressedDeps(timeScale, log) {
        if (timeScale === 1) return { ...deps, ...(log ? { log } : {}) };
        const rateGate = createRateBudget(handle.db, { headroom: config.rateHeadroom });
        const sleep = (ms: number) => realSleep(Math.round(ms * timeScale));
        return {
          ...deps,
          ...(log ? { log } : {}),
          async connectorFor(id, side, hooks) {
            const creds = await sideCredentials(handle.db, masterKey, id, side);
            if (!creds) return { error: 'no platform is configured' };
            return createConnector(
              creds.platform,
              { apiUrl: creds.apiUrl, fields: creds.fields },
              { timeoutMs: config.platformTimeoutMs, rateGate, sleep, ...(hooks?.onBudgetWait ? { onBudgetWait: hooks.onBudgetWait } : {}) },
            );
          },
        };
      },
      pending,
      async sync(trigger, since, withDeps = deps) {
        if (trigger === 'manual') await startRun(handle.db, { connectionId, trigger: 'manual', since: since ?? null, requestedBy: null });
        const r = await workConnectionJob({ ...withDeps, locks: handle.locks, worker: 'reliability' }, { connectionId, trigger });
        if (r.kind !== 'ran') throw new Error(`sync (${trigger}) did not run: ${JSON.stringify(r)}`);
        const run = await getRun(handle.db, r.runId);
        return { runId: r.runId, trigger: run?.trigger ?? trigger, outcome: r.outcome, pending: await pending() };
      },
      async close() {
        if (current === ow) current = null;
        await handle.close();
      },
    };
    return ow;
  };

  return {
    get source() {
      return freshserviceOf(sims.source, 'source');
    },
    get target() {
      return freshserviceOf(sims.target, 'target');
    },
    accounts: sims,
    platforms,
    connectionId,
    dataDir,
    storage,
    timeoutMs,
    childEnv: env,
    async open() {
      current ??= wrap(await openDb());
      return current;
    },
    async close() {
      await current?.close();
      await sims.source.close();
      await sims.target.close();
      await tempDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Requests that change something on a simulated account (the engine's writes), from `fromIndex` on. */
export function writeRequests(sim: FreshserviceSimulator, fromIndex = 0) {
  return sim.requests.slice(fromIndex).filter((r) => r.path.startsWith('/api/v2') && r.method !== 'GET');
}

export { pendingWork };
