/**
 * The product as a separate process, for the crash test: opens the store in SF_DATA_DIR (PGlite on disk)
 * or DATABASE_URL, does what a restarted Support Fusion does with a run cut off by the last stop, and
 * works one sync run of RELIABILITY_CONNECTION through the product's own coordinator, engine and
 * connectors (engineDeps: stored, encrypted credentials; shared API budget). Prints one JSON line.
 *
 *   node --import tsx test/reliability/sync-child.ts
 *
 * Which run: a run row left running is adopted (PostgreSQL: the job of a dead worker is retried and
 * adopts its run). On PGlite a restarted process marks it Failed first (as src/runtime.ts does); then,
 * like an operator pressing "Sync now" again, a manual run from RELIABILITY_SINCE is started as long as
 * the first manual run never finished, else an automatic run continues from the cursors.
 */
import { loadConfig } from '../../src/config/env.ts';
import { openDatabase } from '../../src/db/database.ts';
import { failInterruptedRuns, startRun } from '../../src/db/repositories/sync-runs.ts';
import { createSyncStore } from '../../src/db/repositories/sync-store.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { workConnectionJob } from '../../src/sync/coordinator.ts';
import { engineDeps } from '../../src/sync/deps.ts';
import { pendingWork } from './lib/pending.ts';

const started = Date.now();
const config = loadConfig(process.env);
const connectionId = process.env.RELIABILITY_CONNECTION;
const since = process.env.RELIABILITY_SINCE;
if (!connectionId || !since) throw new Error('RELIABILITY_CONNECTION and RELIABILITY_SINCE are required');

const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const interrupted = database.kind === 'pglite' ? await failInterruptedRuns(database.db) : 0;
const store = createSyncStore(database.db);
const conn = await store.loadConnection(connectionId);
if (!conn) throw new Error(`connection ${connectionId} not found`);
const ready = conn.syncState === 'ready_for_automatic_sync';
const running = await database.db.selectFrom('sync_runs').select('id').where('connection_id', '=', connectionId).where('status', '=', 'running').executeTakeFirst();
let trigger: 'manual' | 'automatic' = ready ? 'automatic' : 'manual';
if (running) trigger = 'manual'; // adopted below, whatever its trigger
else if (!ready) await startRun(database.db, { connectionId, trigger: 'manual', since: new Date(since), requestedBy: null });
process.stdout.write(`${JSON.stringify({ event: 'ready', ms: Date.now() - started, interrupted, trigger })}\n`);

const deps = engineDeps({ config, db: database.db, masterKey }, (msg, data) => process.stderr.write(`${msg} ${JSON.stringify(data ?? {})}\n`));
const result = await workConnectionJob({ ...deps, locks: database.locks, worker: `reliability-child:${process.pid}` }, { connectionId, trigger });
const pending = await pendingWork(database.db, connectionId);
process.stdout.write(`${JSON.stringify({ event: 'done', ms: Date.now() - started, interrupted, trigger, result, pending })}\n`);
await database.close();
