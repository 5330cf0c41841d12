import { checkAccountInvariants } from './account-invariants.ts';
import type { Account, PlatformPair } from './accounts.ts';
import { startProduct } from './product.ts';
import { seedAccount, type DatasetStats } from './dataset.ts';
import { checkInvariants, type CheckReport } from './invariants.ts';
import { rng } from './rng.ts';
import { createWorld, type Storage, type World, type WorldTemplate } from './world.ts';

export interface CrashTrialOptions {
  seed: number;
  tickets: number;
  template?: WorldTemplate;
  storage?: Storage;
  /** Platforms of a world set up from nothing (a template brings its own). */
  platforms?: PlatformPair;
  /** Kills per trial (each during a different child process). */
  kills?: number;
  log?: (line: string) => void;
}

export interface CrashTrialResult {
  seed: number;
  dataset: DatasetStats;
  kills: Array<{ atRequest: number; delayMs: number; during: string; happened: boolean }>;
  /** Child processes started after the last kill until a run finished with nothing left. */
  restarts: number;
  runs: Array<{ status: string; error: string | null; pending: number; ms: number } | { died: string }>;
  echoWrites: number;
  report: CheckReport;
  ms: number;
  /** Anything that is not an invariant violation but still wrong (a store that does not open, a run that never finishes). */
  problems: string[];
}

/** Roughly how many API requests a first sync of the dataset makes (kill points are drawn below it). */
function estimateRequests(account: Account): number {
  let n = 20;
  for (const t of account.tickets()) {
    // A view (with up to 10 conversations embedded) and a create; a longer conversation is listed too.
    n += 2 + (t.comments.length >= 10 ? Math.ceil(t.comments.length / 30) : 0);
    // Files: download, a read of the copy, the upload.
    if (t.files.length > 0) n += 3;
    for (const c of t.comments) n += c.private ? 0 : 1 + c.files.length;
  }
  return n;
}

/** The end state: the field-by-field check of two Freshservice accounts, else the platform-neutral one. */
export function endState(world: World): CheckReport {
  const { source, target } = world.accounts;
  if (source.freshservice && target.freshservice) return checkInvariants({ source: source.freshservice, target: target.freshservice });
  return checkAccountInvariants(world.accounts);
}

/**
 * One crash trial: the real product (`support-fusion start`, its start-up, pg-boss queue and workers) runs on the
 * world's store; "Sync now" is pressed through its HTTP API, and the process is killed (SIGKILL) when the
 * simulators have seen a random number of its requests (plus a random few milliseconds, so the kill also lands
 * between a request and the database writes after it). Then the product is started again and "Sync now" pressed
 * until a run finishes with nothing left (so a job the killed process left active must not block it); then one
 * more run (in this process) must write nothing; then the end state is checked.
 */
export async function runCrashTrial(opts: CrashTrialOptions): Promise<CrashTrialResult> {
  const started = Date.now();
  const r = rng(opts.seed);
  const log = opts.log ?? (() => {});
  const world = await createWorld(
    opts.template ? { template: opts.template } : { storage: opts.storage ?? 'disk', ...(opts.platforms ? { platforms: opts.platforms } : {}) },
  );
  const { source, target } = world.accounts;
  const problems: string[] = [];
  const runs: CrashTrialResult['runs'] = [];
  const kills: CrashTrialResult['kills'] = [];
  try {
    const dataset = seedAccount(source, r.fork(), { tickets: opts.tickets });
    const since = new Date(Date.now() - 30 * 86_400_000);
    const estimate = estimateRequests(source);

    // Every API request either simulator answers passes here; the n-th one pulls the trigger.
    let seen = 0;
    let trigger: { at: number; fire: (during: string) => void } | null = null;
    for (const account of [source, target]) {
      account.onRequest((method, path) => {
        seen += 1;
        if (trigger && seen === trigger.at) trigger.fire(`${account.name} ${method} ${path}`);
      });
    }

    // The source's administrator presses "Sync now" in the product's UI; find who that is.
    const adminEmail = await (async () => {
      const ow = await world.open();
      const row = await ow.db
        .selectFrom('users')
        .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
        .innerJoin('connections', 'connections.source_organisation_id', 'organisations.id')
        .select('users.email')
        .where('connections.id', '=', world.connectionId)
        .executeTakeFirstOrThrow();
      await ow.close();
      return row.email;
    })();

    const killsWanted = Math.max(1, opts.kills ?? 1);
    for (let k = 0; k < killsWanted; k++) {
      // Later kills hit a restarted process somewhere in what is left.
      const atRequest = seen + r.int(1, Math.max(2, Math.floor((estimate * 0.9) / (k + 1))));
      const delayMs = r.chance(0.5) ? 0 : r.int(1, 25);
      const kill = { atRequest, delayMs, during: '', happened: false };
      kills.push(kill);
      const product = await startProduct(world, adminEmail);
      try {
        await product.ready;
        trigger = {
          at: atRequest,
          fire: (during) => {
            kill.during = during;
            const doIt = () => {
              if (product.child.exitCode === null && product.child.signalCode === null) {
                kill.happened = true;
                product.child.kill('SIGKILL');
              }
            };
            if (delayMs === 0) doIt();
            else setTimeout(doIt, delayMs);
          },
        };
        const runId = await product.syncNow(since);
        const run = await product.waitForRun(runId).catch((err: Error) => (kill.happened ? null : Promise.reject(err)));
        if (run) runs.push({ status: run.status, error: run.error, pending: -1, ms: 0 });
      } catch (err) {
        if (!kill.happened) problems.push(`product before the kill: ${(err as Error).message}`);
      } finally {
        trigger = null;
        if (kill.happened) {
          await product.exited;
          runs.push({ died: 'SIGKILL' });
        } else await product.stop();
      }
      log(
        `  kill ${k + 1}: at request ${atRequest}${delayMs ? ` +${delayMs} ms` : ''} (${kill.during || 'not reached'}) ${kill.happened ? 'killed' : 'finished first'}`,
      );
    }

    // Restart the product and press "Sync now" until a run finishes with nothing left.
    let restarts = 0;
    for (;;) {
      if (restarts >= 8) {
        problems.push(`no run finished with nothing left after ${restarts} restarts`);
        break;
      }
      restarts++;
      const startedAt = Date.now();
      const product = await startProduct(world, adminEmail);
      let run: { status: string; error: string | null } | null = null;
      try {
        await product.ready;
        // PGlite: the killed run was marked Failed at start, so this is a new run. PostgreSQL: the dead
        // worker's run is still running (409) and is taken over after SF_WORKER_TAKEOVER_SECONDS.
        run = await product.waitForRun(await product.syncNow(since));
      } catch (err) {
        problems.push(`restarted product: ${(err as Error).message}\n${product.output().slice(-3000)}`);
      } finally {
        await product.stop();
      }
      if (!run) {
        runs.push({ died: 'failed to run' });
        break;
      }
      const ow = await world.open();
      const pending = await ow.pending();
      await ow.close();
      runs.push({ status: run.status, error: run.error, pending, ms: Date.now() - startedAt });
      log(`  restart ${restarts}: ${run.status}${run.error ? ` (${run.error})` : ''}, pending ${pending}, ${Date.now() - startedAt} ms`);
      if ((run.status === 'success' || run.status === 'no_tickets') && pending === 0) break;
      // Work left for later (a create interrupted moments ago waits until it cannot land any more).
      await new Promise((res) => setTimeout(res, 1_000));
    }

    // One more run, in this process: nothing may be written.
    const ow = await world.open();
    const marks = { source: source.requestCount(), target: target.requestCount() };
    const last = await ow.sync('automatic');
    const echoWrites = source.writesSince(marks.source).length + target.writesSince(marks.target).length;
    if (last.outcome.status === 'failed' || last.pending > 0)
      problems.push(`final run: ${last.outcome.status} ${last.outcome.error ?? ''}, pending ${last.pending}`);
    await ow.close();

    const report = endState(world);
    return { seed: opts.seed, dataset, kills, restarts, runs, echoWrites, report, ms: Date.now() - started, problems };
  } finally {
    await world.close();
  }
}
