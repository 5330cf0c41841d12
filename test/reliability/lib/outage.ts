import { setAutomaticSync } from '../../../src/db/repositories/sync-runs.ts';
import { workConnectionJob } from '../../../src/sync/coordinator.ts';
import { seedTickets } from './dataset.ts';
import { checkInvariants, type CheckReport } from './invariants.ts';
import { rng } from './rng.ts';
import { createWorld, writeRequests, type WorldTemplate } from './world.ts';

export interface OutageOptions {
  seed: number;
  template: WorldTemplate;
  /** Simulated hours each platform is down. */
  hours: number;
  /** Simulated minutes between two scheduler ticks (the product's SF_SYNC_INTERVAL_MINUTES). */
  intervalMinutes?: number;
  timeScale?: number;
  log?: (line: string) => void;
}

export interface OutageResult {
  seed: number;
  ticks: number;
  failedRuns: number;
  faultedRequests: number;
  /** Runs after the platforms came back until everything was across. */
  catchUpRuns: number;
  orderErrors: string[];
  echoWrites: number;
  report: CheckReport;
  problems: string[];
  ms: number;
}

/**
 * Outage: the connection runs on its schedule (automatic sync on; the scheduler's tick is called as the
 * product's tick job does: every connection due gets an automatic run). First the target platform is
 * unreachable (connections reset) for `hours` simulated hours while people work on the source; then the
 * source answers 503 for as long while people work on the target. The simulators' clock moves by the
 * sync interval at each tick. When both are back, the next scheduled runs must bring everything across,
 * in the order it happened, with no manual step: no manual run, no reset of anything.
 */
export async function runOutage(opts: OutageOptions): Promise<OutageResult> {
  const started = Date.now();
  const r = rng(opts.seed);
  const log = opts.log ?? (() => {});
  const interval = (opts.intervalMinutes ?? 30) * 60_000;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const world = await createWorld({ template: opts.template, source: { now }, target: { now } });
  const problems: string[] = [];
  const orderErrors: string[] = [];
  try {
    const { source, target } = world;
    seedTickets(source, r.fork(), { tickets: 10, prefix: 'A' });
    const ow = await world.open();
    const deps = ow.compressedDeps(opts.timeScale ?? 0.1);
    const first = await ow.sync('manual', new Date(now().getTime() - 30 * 86_400_000), deps);
    if (first.outcome.status !== 'success') problems.push(`first manual sync: ${first.outcome.status} ${first.outcome.error ?? ''}`);
    await setAutomaticSync(ow.db, world.connectionId, true);

    let ticks = 0;
    let failedRuns = 0;
    const tick = async () => {
      offset += interval;
      ticks++;
      // The scheduler's tick: every connection with automatic sync on and no run within the interval.
      const due = await deps.store.dueForAutomaticSync(new Date());
      const outcomes: string[] = [];
      for (const id of due) {
        const res = await workConnectionJob({ ...deps, locks: ow.database.locks, worker: 'outage' }, { connectionId: id, trigger: 'automatic' });
        if (res.kind === 'ran') {
          outcomes.push(res.outcome.status);
          if (res.outcome.status === 'failed') failedRuns++;
        } else outcomes.push(res.kind);
      }
      return outcomes;
    };

    const agentOf = (sim: typeof source) => sim.state.agentByProfile('supervisor_only')!.id;
    const steps = Math.max(1, Math.round((opts.hours * 3_600_000) / interval));
    const people = [...source.state.tickets.values()];

    // Phase 1: the target is unreachable; people keep working on the source.
    target.faults.set({ reset: true });
    const created: number[] = [];
    const versions = new Map<number, string[]>();
    for (let i = 0; i < steps; i++) {
      const t = source.state.createTicket({
        subject: `Outage ticket ${i}`,
        description: `Made during the outage. [key B${i}]`,
        requester_id: people[0]!.requester_id,
        group_id: people[0]!.group_id,
        priority: r.int(1, 4),
      });
      created.push(t.id);
      const edited = r.pick(people);
      const subject = `${edited.subject.replace(/ v\d+$/, '')} v${i}`;
      edited.subject = subject;
      source.state.touchTicket(edited);
      versions.set(edited.id, [...(versions.get(edited.id) ?? []), subject]);
      source.state.addConversation(edited.id, {
        kind: 'reply',
        source: 0,
        private: false,
        body: `Reply ${i} during the outage [c OUT-S${i}]`,
        user_id: agentOf(source),
      });
      const outcome = await tick();
      log(`  +${(ticks * interval) / 3_600_000} h, target down: ${outcome.join(', ') || 'not due'}`);
    }
    const phase1Faults = target.requests.filter((q) => q.status === 0).length;
    target.faults.clear();

    // Phase 2: the source answers 503; people work on the target copies (status is mapped both ways).
    source.faults.set({ status5xx: 503 });
    const copies = [...target.state.tickets.values()];
    for (let i = 0; i < steps; i++) {
      const c = r.pick(copies);
      c.status = r.pick([2, 3, 4]);
      target.state.touchTicket(c);
      target.state.addConversation(c.id, {
        kind: 'note',
        source: 2,
        private: false,
        body: `Provider note ${i} during the outage [c OUT-T${i}]`,
        user_id: agentOf(target),
      });
      const outcome = await tick();
      log(`  +${(ticks * interval) / 3_600_000} h, source down: ${outcome.join(', ') || 'not due'}`);
    }
    const phase2Faults = source.requests.filter((q) => q.status === 503).length;
    source.faults.clear();

    // Both back: scheduled runs only, until one finishes with nothing left.
    let catchUpRuns = 0;
    for (;;) {
      if (catchUpRuns >= 5) {
        problems.push('not caught up after 5 scheduled runs');
        break;
      }
      catchUpRuns++;
      const outcome = await tick();
      const pending = await ow.pending();
      log(`  +${(ticks * interval) / 3_600_000} h, both up: ${outcome.join(', ')}, pending ${pending}`);
      if (outcome.length > 0 && outcome.every((o) => o === 'success' || o === 'no_tickets') && pending === 0) break;
    }

    // In order: copies of the tickets made during the outage were created in the order of their originals;
    // comments arrived in the order they were written.
    const copyOf = new Map<string, number>();
    for (const t of target.state.tickets.values()) {
      const key = /\[key (B\d+)\]/.exec(t.description)?.[1];
      if (key) copyOf.set(key, t.id);
    }
    const copyIds = created.map((_, i) => copyOf.get(`B${i}`) ?? -1);
    for (let i = 1; i < copyIds.length; i++) {
      if (!(copyIds[i - 1]! < copyIds[i]!)) orderErrors.push(`copy of B${i} (#${copyIds[i]}) was not created after the copy of B${i - 1} (#${copyIds[i - 1]})`);
    }
    const orderOf = (list: { body: string }[], re: RegExp) => list.map((c) => Number(re.exec(c.body)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
    for (const t of target.state.tickets.values()) {
      const got = orderOf(target.state.conversationsOf(t.id), /\[c OUT-S(\d+)\]/);
      if (got.some((n, i) => i > 0 && got[i - 1]! > n)) orderErrors.push(`target #${t.id}: replies arrived out of order (${got.join(', ')})`);
    }
    for (const t of source.state.tickets.values()) {
      const got = orderOf(source.state.conversationsOf(t.id), /\[c OUT-T(\d+)\]/);
      if (got.some((n, i) => i > 0 && got[i - 1]! > n)) orderErrors.push(`source #${t.id}: provider notes arrived out of order (${got.join(', ')})`);
    }

    const marks = { source: source.requests.length, target: target.requests.length };
    offset += interval;
    await tick();
    const echoWrites = writeRequests(source, marks.source).length + writeRequests(target, marks.target).length;
    await ow.close();
    const report = checkInvariants({ source, target });
    return {
      seed: opts.seed,
      ticks,
      failedRuns,
      faultedRequests: phase1Faults + phase2Faults,
      catchUpRuns,
      orderErrors,
      echoWrites,
      report,
      problems,
      ms: Date.now() - started,
    };
  } finally {
    await world.close();
  }
}
