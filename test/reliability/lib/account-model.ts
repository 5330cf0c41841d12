import fc from 'fast-check';
import { SideConfiguration } from '../../../src/core/sync-config.ts';
import { memoryLocks } from '../../../src/db/connection-locks.ts';
import { saveConnectionSide } from '../../../src/db/repositories/connections.ts';
import { failInterruptedRuns, startRun } from '../../../src/db/repositories/sync-runs.ts';
import { addSyncHint } from '../../../src/db/repositories/webhooks.ts';
import { workConnectionJob } from '../../../src/sync/coordinator.ts';
import { runSync, type EngineDeps } from '../../../src/sync/engine.ts';
import type { Side } from '../../../src/sync/field-mapping.ts';
import { checkAccountInvariants } from './account-invariants.ts';
import type { AccountTicket } from './accounts.ts';
import { crashingDeps, type ModelConfig, type ModelRunResult } from './model.ts';
import { pendingWork } from './pending.ts';
import { rng } from './rng.ts';
import { createWorld, type OpenWorld, type WorldTemplate } from './world.ts';

/**
 * The model test for a pair of different platforms (RELIABILITY_PLATFORMS), through the account adapters:
 * what people do on both sides that every platform has (tickets, subject edits, public and internal
 * comments, files), interleaved with manual and scheduled runs, webhook hints and crashes (a run frozen
 * for ever at its n-th call, as in model.ts). Status, priority, custom fields and filter scope are
 * platform values that a mixed pair maps by meaning; they stay in the Freshservice pair's model test.
 * After quiescence: no duplicates, no internal comment where its side keeps it, nothing lost, and a
 * final run writes nothing.
 */
export type AccountOp =
  | { op: 'create'; side: Side; withFile: boolean }
  | { op: 'subject'; t: number }
  | { op: 'comment'; side: Side; t: number; private: boolean; withFile: boolean }
  | { op: 'file'; side: Side; t: number }
  | { op: 'sync'; trigger: 'manual' | 'automatic' }
  | { op: 'hint'; side: Side; t: number }
  | { op: 'crash'; trigger: 'manual' | 'automatic'; step: number; afterCall: boolean }
  | { op: 'tick' };

const side = fc.constantFrom<Side>('source', 'target');
const idx = fc.nat({ max: 1000 });
const createArb = fc.record({ op: fc.constant('create' as const), side: fc.constantFrom<Side>('source', 'source', 'target'), withFile: fc.boolean() });

export const accountOpArb: fc.Arbitrary<AccountOp> = fc.oneof(
  { weight: 5, arbitrary: createArb },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('subject' as const), t: idx }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('comment' as const), side, t: idx, private: fc.boolean(), withFile: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('file' as const), side, t: idx }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('sync' as const), trigger: fc.constantFrom<'manual' | 'automatic'>('manual', 'automatic', 'automatic') }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hint' as const), side, t: idx }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('crash' as const),
      trigger: fc.constantFrom<'manual' | 'automatic'>('manual', 'automatic'),
      step: fc.integer({ min: 1, max: 60 }),
      afterCall: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const) }) },
);

/** A scenario: a few tickets first, then anything. */
export const accountScenarioArb = (maxOps: number): fc.Arbitrary<AccountOp[]> =>
  fc
    .tuple(fc.array(createArb, { minLength: 1, maxLength: 5 }), fc.array(accountOpArb, { minLength: 3, maxLength: maxOps, size: 'medium' }))
    .map(([a, b]) => [...a, ...b]);

export async function runAccountModel(
  template: WorldTemplate,
  config: ModelConfig,
  ops: AccountOp[],
  log: (line: string) => void = () => {},
): Promise<ModelRunResult> {
  const world = await createWorld({ template });
  const accounts = world.accounts;
  const problems: string[] = [];
  const stats = { ops: ops.length, syncs: 0, crashes: 0, hints: 0, tickets: 0, comments: 0 };
  try {
    const sideConfig = (s: Side) =>
      SideConfiguration.parse({
        ...accounts[s].sideConfiguration(),
        reverseSync: s === 'target' ? { enabled: config.reverseSync } : { enabled: false },
        comments: { sendPublic: true, sendPrivate: config.sendPrivate[s], incomingAs: config.incomingPublic[s] ? 'public' : 'private' },
      });
    const cfg = { source: sideConfig('source'), target: sideConfig('target') };
    let ow: OpenWorld = await world.open();
    await saveConnectionSide(ow.db, world.connectionId, 'source', { configuration: cfg.source, apiOverride: null });
    await saveConnectionSide(ow.db, world.connectionId, 'target', { configuration: cfg.target, apiOverride: null });

    const since = new Date(Date.now() - 60_000);
    await new Promise((res) => setTimeout(res, 1_000 - (Date.now() % 1_000)));
    let locks = ow.database.locks;
    let n = 0;
    const mark = (s: Side) => (s === 'source' ? 'S' : 'T');
    const ticketsOn = (s: Side) => accounts[s].tickets().sort((a, b) => Number(a.id) - Number(b.id));
    const pick = (s: Side, i: number): AccountTicket | null => {
      const list = ticketsOn(s);
      return list.length === 0 ? null : list[i % list.length]!;
    };
    const run = async (trigger: 'manual' | 'automatic' | 'webhook', deps: EngineDeps = ow.deps) => {
      stats.syncs++;
      if (trigger === 'manual') await startRun(ow.db, { connectionId: world.connectionId, trigger: 'manual', since, requestedBy: null });
      return workConnectionJob({ ...deps, locks, worker: 'model', heartbeatMs: 1_000_000_000 }, { connectionId: world.connectionId, trigger });
    };

    for (const o of ops) {
      switch (o.op) {
        case 'create': {
          const key = `M${n++}`;
          const id = accounts[o.side].createTicket(
            { key, subject: `Model ticket ${key}`, description: `Made on ${o.side}. [key ${key}]`, createdMs: accounts[o.side].nowMs() },
            rng(n),
          );
          stats.tickets++;
          if (o.withFile) accounts[o.side].addFile(id, `${key}-f${n++}@${mark(o.side)}.txt`);
          log(`create ${o.side} ${key} #${id}${o.withFile ? ' +file' : ''}`);
          break;
        }
        case 'subject': {
          const t = pick('source', o.t);
          if (!t) break;
          accounts.source.editSubject(t.id, `${t.subject.replace(/ \(edit \d+\)$/, '')} (edit ${n++})`);
          log(`subject source #${t.id}`);
          break;
        }
        case 'comment': {
          const t = pick(o.side, o.t);
          if (!t) break;
          const ck = `${t.key ?? `x${t.id}`}-c${n++}`;
          const cid = accounts[o.side].addComment(t.id, {
            body: `${o.private ? 'Internal' : 'Public'} comment on ${o.side} [c ${ck}]`,
            private: o.private,
            kind: o.private ? 'note' : 'reply',
          });
          stats.comments++;
          if (o.withFile) accounts[o.side].addFile(t.id, `${ck}@${mark(o.side)}.txt`, cid);
          log(`comment ${o.side} #${t.id} ${ck} ${o.private ? 'internal' : 'public'}${o.withFile ? ' +file' : ''}`);
          break;
        }
        case 'file': {
          const t = pick(o.side, o.t);
          if (!t) break;
          const name = `${t.key ?? `x${t.id}`}-f${n++}@${mark(o.side)}.txt`;
          accounts[o.side].addFile(t.id, name);
          log(`file ${o.side} #${t.id} ${name}`);
          break;
        }
        case 'sync': {
          const r = await run(o.trigger);
          log(`sync ${o.trigger}: ${r.kind === 'ran' ? `${r.outcome.status}${r.outcome.error ? ` ${r.outcome.error}` : ''}` : r.kind}`);
          break;
        }
        case 'hint': {
          const t = pick(o.side, o.t);
          if (!t) break;
          await addSyncHint(ow.db, world.connectionId, o.side, t.id);
          stats.hints++;
          const r = await run('webhook');
          log(`hint ${o.side} #${t.id} → webhook run: ${r.kind === 'ran' ? r.outcome.status : r.kind}`);
          break;
        }
        case 'crash': {
          const c = crashingDeps(ow.deps, o.step, o.afterCall);
          stats.syncs++;
          const conn = await ow.deps.store.loadConnection(world.connectionId);
          if (o.trigger === 'manual') await startRun(ow.db, { connectionId: world.connectionId, trigger: 'manual', since, requestedBy: null });
          const row = await ow.deps.store.adoptOrStartRun(world.connectionId, o.trigger, 'model', conn?.syncState === 'ready_for_automatic_sync');
          if (!row) {
            log(`crash ${o.trigger}: nothing to run`);
            break;
          }
          const p = runSync(c.deps, { runId: row.runId, connectionId: world.connectionId, trigger: row.trigger as 'manual' | 'automatic', since: row.since });
          const outcome = await Promise.race([
            p.then((r) => ({ r })),
            (async () => {
              while (!c.crashed()) await new Promise((res) => setTimeout(res, 5));
              return null;
            })(),
          ]);
          if (outcome === null) {
            stats.crashes++;
            await failInterruptedRuns(ow.db);
            locks = memoryLocks();
            log(`crash during ${o.trigger} run at call ${o.step}${o.afterCall ? ' (after it returned)' : ''}; restarted`);
          } else log(`crash ${o.trigger} at call ${o.step}: run finished first (${outcome.r.status})`);
          break;
        }
        case 'tick': {
          await new Promise((res) => setTimeout(res, 1_050 - (Date.now() % 1_000)));
          break;
        }
      }
    }

    // Quiescence: the first manual run if none finished yet, then scheduled runs until nothing is left.
    const conn = await ow.deps.store.loadConnection(world.connectionId);
    if (conn?.syncState !== 'ready_for_automatic_sync') {
      const r = await run('manual');
      log(`settle manual: ${r.kind === 'ran' ? r.outcome.status : r.kind}`);
    }
    let settled = false;
    for (let i = 0; i < 8 && !settled; i++) {
      const r = await run('automatic');
      const pending = await pendingWork(ow.db, world.connectionId);
      log(`settle automatic: ${r.kind === 'ran' ? `${r.outcome.status}${r.outcome.error ? ` ${r.outcome.error}` : ''}` : r.kind}, pending ${pending}`);
      settled = r.kind === 'ran' && (r.outcome.status === 'success' || r.outcome.status === 'no_tickets') && pending === 0;
      if (!settled) await new Promise((res) => setTimeout(res, 1_000));
    }
    if (!settled) problems.push('no quiet state after 8 scheduled runs');
    const marks = { source: accounts.source.requestCount(), target: accounts.target.requestCount() };
    const last = await run('automatic');
    const writes = [...accounts.source.writesSince(marks.source), ...accounts.target.writesSince(marks.target)];
    if (writes.length > 0) log(`final run wrote: ${writes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    if (last.kind !== 'ran' || last.outcome.status === 'failed') problems.push(`final run: ${JSON.stringify(last)}`);

    const report = checkAccountInvariants(accounts, {
      config: cfg,
      qualifies: (s) => s === 'source' || cfg.target.reverseSync.enabled,
    });
    await ow.close();
    ow = null as never;
    return { report, echoWrites: writes.length, problems, stats };
  } finally {
    await world.close();
  }
}
