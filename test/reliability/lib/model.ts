import fc from 'fast-check';
import { defaultMappings, SideConfiguration, type Mappings } from '../../../src/core/sync-config.ts';
import { memoryLocks } from '../../../src/db/connection-locks.ts';
import { saveConnectionSide, saveMappings } from '../../../src/db/repositories/connections.ts';
import { failInterruptedRuns, startRun } from '../../../src/db/repositories/sync-runs.ts';
import { addSyncHint } from '../../../src/db/repositories/webhooks.ts';
import type { FreshserviceSimulator } from '../../../src/simulator/freshservice/index.ts';
import type { Ticket } from '../../../src/simulator/freshservice/model.ts';
import { workConnectionJob } from '../../../src/sync/coordinator.ts';
import { runSync, type EngineDeps } from '../../../src/sync/engine.ts';
import type { Side } from '../../../src/sync/field-mapping.ts';
import { groupIds, isTicketMarker, requesterIds, ticketKeyOf } from './dataset.ts';
import { checkInvariants, simField, type CheckReport } from './invariants.ts';
import { pendingWork } from './pending.ts';
import { createWorld, writeRequests, type OpenWorld, type WorldTemplate } from './world.ts';

/**
 * Model-based test: random sequences of what people do on both accounts, interleaved with sync runs,
 * webhook hints and crashes of the sync process; after the dust settles the invariants must hold.
 *
 * People act on the simulators' state directly (as the helpdesk UI would; every change moves the
 * ticket's updated_at, in whole seconds like Freshservice). Runs go through the product's coordinator
 * and engine with its own wiring. A crash freezes a run for ever at its n-th call to a platform or to
 * the store (before the call, or after it returned but before the engine saw the answer) — to the
 * database and the platforms that is exactly a process killed there — and the "restarted" product
 * marks the run interrupted and works with fresh locks.
 *
 * The people respect the mapping directions (a field mapped one way is edited only on its sending
 * side); bidirectional fields may be edited on both sides, and then the last edit must win (edits in
 * the same second may go either way).
 */

export type Op =
  | { op: 'create'; side: Side; inScope: boolean; status: number; priority: number; withFile: boolean }
  | { op: 'subject'; t: number }
  | { op: 'status'; side: Side; t: number; status: 2 | 3 | 4 | 5 }
  | { op: 'priority'; t: number; priority: number }
  | { op: 'custom'; side: Side; t: number; field: 'external_reference' | 'resolution_code'; value: string }
  | { op: 'comment'; side: Side; t: number; private: boolean; kind: 'reply' | 'note'; withFile: boolean }
  | { op: 'file'; side: Side; t: number }
  | { op: 'scope'; t: number; inScope: boolean }
  | { op: 'sync'; trigger: 'manual' | 'automatic' }
  | { op: 'hint'; side: Side; t: number }
  | { op: 'crash'; trigger: 'manual' | 'automatic'; step: number; afterCall: boolean }
  | { op: 'tick' };

export interface ModelConfig {
  sendPrivate: Record<Side, boolean>;
  incomingPublic: Record<Side, boolean>;
  reverseSync: boolean;
}

const side = fc.constantFrom<Side>('source', 'target');
const idx = fc.nat({ max: 1000 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      side: fc.constantFrom<Side>('source', 'source', 'target'),
      inScope: fc.boolean(),
      status: fc.constantFrom(2, 2, 3, 4),
      priority: fc.integer({ min: 1, max: 4 }),
      withFile: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('subject' as const), t: idx }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('status' as const), side, t: idx, status: fc.constantFrom<2 | 3 | 4 | 5>(2, 3, 4, 5) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('priority' as const), t: idx, priority: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({
        op: fc.constant('custom' as const),
        side,
        t: idx,
        field: fc.constant('external_reference' as const),
        value: fc.constantFrom('EXT-1', 'EXT-2', 'EXT-3'),
      }),
      fc.record({
        op: fc.constant('custom' as const),
        side: fc.constant<Side>('target'),
        t: idx,
        field: fc.constant('resolution_code' as const),
        value: fc.constantFrom('Fixed', 'Workaround', 'Not reproducible'),
      }),
    ),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('comment' as const),
      side,
      t: idx,
      private: fc.boolean(),
      kind: fc.constantFrom<'reply' | 'note'>('reply', 'note'),
      withFile: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('file' as const), side, t: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scope' as const), t: idx, inScope: fc.boolean() }) },
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

const createArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('create' as const),
  side: fc.constantFrom<Side>('source', 'source', 'target'),
  inScope: fc.boolean(),
  status: fc.constantFrom(2, 2, 3, 4),
  priority: fc.integer({ min: 1, max: 4 }),
  withFile: fc.boolean(),
});

/** A scenario: a few tickets first, then anything. */
export const scenarioArb = (maxOps: number): fc.Arbitrary<Op[]> =>
  fc
    .tuple(fc.array(createArb, { minLength: 1, maxLength: 5 }), fc.array(opArb, { minLength: 3, maxLength: maxOps, size: 'medium' }))
    .map(([a, b]) => [...a, ...b]);

export const configArb: fc.Arbitrary<ModelConfig> = fc.record({
  sendPrivate: fc.record({ source: fc.boolean(), target: fc.boolean() }),
  incomingPublic: fc.record({ source: fc.boolean(), target: fc.boolean() }),
  reverseSync: fc.boolean(),
});

/** The mappings of the model: the defaults plus a bidirectional text field and a target → source picklist. */
export function modelMappings(): Mappings {
  const m = defaultMappings();
  for (const t of Object.values(m.types)) {
    t.fields.push({ sourceField: 'external_reference', targetField: 'external_reference', direction: 'bidirectional', kind: 'direct', values: [] });
    t.fields.push({
      sourceField: 'resolution_code',
      targetField: 'resolution_code',
      direction: 'target_to_source',
      kind: 'value',
      values: ['Fixed', 'Workaround', 'Not reproducible'].map((v) => ({ source: v, target: v })),
    });
  }
  return m;
}

export interface ModelRunResult {
  report: CheckReport;
  echoWrites: number;
  problems: string[];
  stats: { ops: number; syncs: number; crashes: number; hints: number; tickets: number; comments: number };
}

interface Edit {
  side: Side;
  value: string;
  second: number;
  seq: number;
}

/** Freezes every call after the n-th one: a process killed at that point, as far as anyone can tell. */
export function crashingDeps(base: EngineDeps, step: number, afterCall: boolean): { deps: EngineDeps; crashed: () => boolean } {
  let calls = 0;
  let dead = false;
  const never = new Promise<never>(() => {});
  const wrap = <T extends object>(obj: T): T =>
    new Proxy(obj, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          if (dead) return never;
          calls += 1;
          if (calls === step && !afterCall) {
            dead = true;
            return never;
          }
          const result = await (v as (...a: unknown[]) => unknown).apply(target, args);
          if (dead) return never;
          if (calls === step) {
            dead = true;
            return never;
          }
          return result;
        };
      },
    });
  return {
    crashed: () => dead,
    deps: {
      ...base,
      store: wrap(base.store),
      async connectorFor(id, s, hooks) {
        const c = await base.connectorFor(id, s, hooks);
        return 'error' in c ? c : wrap(c);
      },
    },
  };
}

export async function runModel(template: WorldTemplate, config: ModelConfig, ops: Op[], log: (line: string) => void = () => {}): Promise<ModelRunResult> {
  const world = await createWorld({ template });
  const problems: string[] = [];
  const stats = { ops: ops.length, syncs: 0, crashes: 0, hints: 0, tickets: 0, comments: 0 };
  try {
    const sims: Record<Side, FreshserviceSimulator> = { source: world.source, target: world.target };
    const groups = groupIds(world.source);
    const inGroups = groups.slice(0, 2).map(String);
    const outGroup = groups[2]!;
    const mappings = modelMappings();
    const sideConfig = (s: Side) =>
      SideConfiguration.parse({
        filters: s === 'source' ? { groups: inGroups } : {},
        reverseSync: s === 'target' ? { enabled: config.reverseSync } : { enabled: false },
        comments: { sendPublic: true, sendPrivate: config.sendPrivate[s], incomingAs: config.incomingPublic[s] ? 'public' : 'private' },
      });
    const cfg = { source: sideConfig('source'), target: sideConfig('target') };

    let ow: OpenWorld = await world.open();
    await saveConnectionSide(ow.db, world.connectionId, 'source', { configuration: cfg.source, apiOverride: null });
    await saveConnectionSide(ow.db, world.connectionId, 'target', { configuration: cfg.target, apiOverride: null });
    await saveMappings(ow.db, world.connectionId, mappings);

    const since = new Date(Date.now() - 60_000);
    // Platforms stamp changes in whole seconds, so which steps share a second matters: starting every
    // scenario at the start of a second makes a replay land its steps in the same seconds as the original.
    await new Promise((res) => setTimeout(res, 1_000 - (Date.now() % 1_000)));
    let locks = ow.database.locks;
    let n = 0;
    let seq = 0;
    const history = new Map<string, Map<string, Edit[]>>(); // key → field → edits
    const mayBeLinked = new Set<string>(); // "side:key" of originals a run may have seen in scope
    const people: Record<Side, number[]> = { source: requesterIds(world.source), target: requesterIds(world.target) };
    const agent = (s: Side) => sims[s].state.agentByProfile('supervisor_only')!.id;

    const note = (key: string | null, field: string, s: Side, value: unknown, at: number) => {
      if (!key) return;
      let byField = history.get(key);
      if (!byField) history.set(key, (byField = new Map()));
      byField.set(field, [
        ...(byField.get(field) ?? []),
        { side: s, value: value === null || value === undefined ? '' : String(value), second: at, seq: seq++ },
      ]);
    };
    const ticketsOn = (s: Side) => [...sims[s].state.tickets.values()].filter((t) => !t.deleted).sort((a, b) => a.id - b.id);
    const pickTicket = (s: Side, i: number): Ticket | null => {
      const list = ticketsOn(s);
      return list.length === 0 ? null : list[i % list.length]!;
    };
    const keyOf = (t: Ticket) => ticketKeyOf(t.description.replace(/<[^>]+>/g, ' '));
    const touch = (s: Side, t: Ticket) => {
      const now = sims[s].state.nowMs();
      sims[s].state.touchTicket(t, now);
      return now;
    };
    // The source sends tickets of its first two groups; the target (with reverse sync) sends all it makes.
    const inScope = (s: Side, t: Ticket) => (s === 'source' ? inGroups.includes(String(t.group_id)) : cfg.target.reverseSync.enabled);
    const markSeen = () => {
      for (const s of ['source', 'target'] as const)
        for (const t of ticketsOn(s)) if (!t.tags.some(isTicketMarker) && inScope(s, t)) mayBeLinked.add(`${s}:${keyOf(t)}`);
    };
    const run = async (trigger: 'manual' | 'automatic' | 'webhook', deps: EngineDeps = ow.deps) => {
      markSeen();
      stats.syncs++;
      if (trigger === 'manual') await startRun(ow.db, { connectionId: world.connectionId, trigger: 'manual', since, requestedBy: null });
      // A frozen run must not wake up for a heartbeat either.
      return workConnectionJob({ ...deps, locks, worker: 'model', heartbeatMs: 1_000_000_000 }, { connectionId: world.connectionId, trigger });
    };

    for (const o of ops) {
      switch (o.op) {
        case 'create': {
          const s = o.side;
          const key = `M${n++}`;
          const t = sims[s].state.createTicket({
            subject: `Model ticket ${key}`,
            description: `Made on ${s}. [key ${key}]`,
            requester_id: people[s][n % people[s].length]!,
            group_id: s === 'source' ? (o.inScope ? groups[n % 2]! : outGroup) : groups[n % 3]!,
            status: o.status,
            priority: o.priority,
          });
          stats.tickets++;
          for (const f of ['status', 'external_reference']) note(key, f, s, simField(t, f), t.created_at);
          if (o.withFile)
            sims[s].state.addAttachment(
              { ticketId: t.id },
              { name: `${key}-f${n++}@${s === 'source' ? 'S' : 'T'}.txt`, content_type: 'text/plain', data: Buffer.from(key) },
            );
          log(`create ${s} ${key} #${t.id}${s === 'source' ? (o.inScope ? ' in scope' : ' out of scope') : ''}`);
          break;
        }
        case 'subject': {
          const t = pickTicket('source', o.t);
          if (!t) break;
          t.subject = `${t.subject.replace(/ \(edit \d+\)$/, '')} (edit ${n++})`;
          touch('source', t);
          log(`subject source #${t.id} → ${t.subject}`);
          break;
        }
        case 'status': {
          const t = pickTicket(o.side, o.t);
          if (!t) break;
          const was = t.status;
          t.status = o.status;
          const at = touch(o.side, t);
          // Setting a field to the value it has is no change: nothing can (or should) tell it apart.
          if (was !== o.status) note(keyOf(t), 'status', o.side, o.status, at);
          log(`status ${o.side} #${t.id} (${keyOf(t)}) → ${o.status}`);
          break;
        }
        case 'priority': {
          const t = pickTicket('source', o.t);
          if (!t) break;
          t.priority = o.priority;
          touch('source', t);
          log(`priority source #${t.id} → ${o.priority}`);
          break;
        }
        case 'custom': {
          const t = pickTicket(o.side, o.t);
          if (!t) break;
          const was = t.custom_fields[o.field];
          t.custom_fields = { ...t.custom_fields, [o.field]: o.value };
          const at = touch(o.side, t);
          if (was !== o.value) note(keyOf(t), o.field, o.side, o.value, at);
          log(`${o.field} ${o.side} #${t.id} (${keyOf(t)}) → ${o.value}`);
          break;
        }
        case 'comment': {
          const t = pickTicket(o.side, o.t);
          if (!t) break;
          const key = keyOf(t) ?? `x${t.id}`;
          const ck = `${key}-c${n++}`;
          const conv = sims[o.side].state.addConversation(t.id, {
            kind: o.kind,
            source: o.kind === 'reply' ? 0 : 2,
            private: o.kind === 'reply' ? false : o.private,
            body: `${o.private && o.kind === 'note' ? 'Private' : 'Public'} ${o.kind} on ${o.side} [c ${ck}]`,
            user_id: agent(o.side),
          });
          stats.comments++;
          if (o.withFile)
            sims[o.side].state.addAttachment(
              { ticketId: t.id, conversationId: conv.id },
              { name: `${ck}@${o.side === 'source' ? 'S' : 'T'}.txt`, content_type: 'text/plain', data: Buffer.from(ck) },
            );
          log(`comment ${o.side} #${t.id} ${ck} ${conv.private ? 'private' : 'public'} ${o.kind}${o.withFile ? ' +file' : ''}`);
          break;
        }
        case 'file': {
          const t = pickTicket(o.side, o.t);
          if (!t) break;
          const name = `${keyOf(t) ?? `x${t.id}`}-f${n++}@${o.side === 'source' ? 'S' : 'T'}.txt`;
          sims[o.side].state.addAttachment({ ticketId: t.id }, { name, content_type: 'text/plain', data: Buffer.from(name) });
          touch(o.side, t);
          log(`file ${o.side} #${t.id} ${name}`);
          break;
        }
        case 'scope': {
          const t = pickTicket('source', o.t);
          if (!t) break;
          t.group_id = o.inScope ? groups[0]! : outGroup;
          touch('source', t);
          log(`scope source #${t.id} (${keyOf(t)}) → ${o.inScope ? 'in' : 'out'}`);
          break;
        }
        case 'sync': {
          const r = await run(o.trigger);
          log(`sync ${o.trigger}: ${r.kind === 'ran' ? `${r.outcome.status}${r.outcome.error ? ` ${r.outcome.error}` : ''}` : r.kind}`);
          break;
        }
        case 'hint': {
          const t = pickTicket(o.side, o.t);
          if (!t) break;
          await addSyncHint(ow.db, world.connectionId, o.side, t.id);
          stats.hints++;
          const r = await run('webhook');
          log(`hint ${o.side} #${t.id} → webhook run: ${r.kind === 'ran' ? r.outcome.status : r.kind}`);
          break;
        }
        case 'crash': {
          const c = crashingDeps(ow.deps, o.step, o.afterCall);
          // As the coordinator does (adopt or start a run, then the engine), without its heartbeat timer,
          // which a frozen run would never stop.
          markSeen();
          stats.syncs++;
          const conn = await ow.deps.store.loadConnection(world.connectionId);
          if (o.trigger === 'manual') await startRun(ow.db, { connectionId: world.connectionId, trigger: 'manual', since, requestedBy: null });
          const row = await ow.deps.store.adoptOrStartRun(world.connectionId, o.trigger, 'model', conn?.syncState === 'ready_for_automatic_sync');
          if (!row) {
            log(`crash ${o.trigger}: nothing to run`);
            break;
          }
          const p = runSync(c.deps, {
            runId: row.runId,
            connectionId: world.connectionId,
            trigger: row.trigger as 'manual' | 'automatic',
            since: row.since,
          }).then((outcome) => ({ kind: 'ran' as const, outcome }));
          // Either the run finishes before its n-th call, or it freezes there for ever.
          const outcome = await Promise.race([
            p.then((r) => ({ r })),
            (async () => {
              while (!c.crashed()) await new Promise((res) => setTimeout(res, 5));
              return null;
            })(),
          ]);
          if (outcome === null) {
            stats.crashes++;
            // The restarted product: runs left running are interrupted, locks are new.
            await failInterruptedRuns(ow.db);
            locks = memoryLocks();
            log(`crash during ${o.trigger} run at call ${o.step}${o.afterCall ? ' (after it returned)' : ''}; restarted`);
          } else {
            log(`crash ${o.trigger} at call ${o.step}: run finished first (${outcome.r.kind === 'ran' ? outcome.r.outcome.status : outcome.r.kind})`);
          }
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
      // Work left (e.g. a create interrupted moments ago, which may still land) waits for the next schedule.
      if (!settled) await new Promise((res) => setTimeout(res, 1_000));
    }
    if (!settled) problems.push('no quiet state after 8 scheduled runs');
    // The final run must write nothing.
    const marks = { source: world.source.requests.length, target: world.target.requests.length };
    const last = await run('automatic');
    const echoWrites = writeRequests(world.source, marks.source).length + writeRequests(world.target, marks.target).length;
    if (echoWrites > 0)
      log(
        `final run wrote: ${[...writeRequests(world.source, marks.source), ...writeRequests(world.target, marks.target)].map((r) => `${r.method} ${r.path}`).join(', ')}`,
      );
    if (last.kind !== 'ran' || last.outcome.status === 'failed') problems.push(`final run: ${JSON.stringify(last)}`);

    const report = checkInvariants(sims, {
      config: cfg,
      mappings,
      qualifies: (s, t) => {
        if (inScope(s, t)) return true;
        return mayBeLinked.has(`${s}:${keyOf(t)}`) ? 'either' : false;
      },
      expectField: (pair, field) => {
        const edits = history.get(pair.key)?.get(field);
        if (!edits || edits.length === 0 || (field !== 'status' && field !== 'external_reference')) return null;
        const lastSecond = Math.max(...edits.map((e) => e.second));
        const accept = new Set<string>();
        for (const s of ['source', 'target'] as const) {
          const inLast = edits.filter((e) => e.side === s && e.second === lastSecond);
          if (inLast.length > 0) accept.add(inLast[inLast.length - 1]!.value);
        }
        return { accept: [...accept] };
      },
    });
    await ow.close();
    ow = null as never;
    return { report, echoWrites, problems, stats };
  } finally {
    await world.close();
  }
}

export function describeOps(ops: Op[]): string {
  return ops.map((o) => JSON.stringify(o)).join('\n');
}
