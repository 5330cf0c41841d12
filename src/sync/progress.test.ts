import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../db/repositories/sync-store.ts';
import { parseSteps, stepsView } from '../db/repositories/run-steps.ts';
import { runProgress } from './progress.ts';

const basic = ({ phase, ticketsSeen, ticketsDone }: RunProgress) => ({ phase, ticketsSeen, ticketsDone });

function fakeStore(opts: { fail?: boolean } = {}) {
  const writes: RunProgress[] = [];
  return {
    writes,
    store: {
      async reportProgress(runId: string, p: RunProgress) {
        expect(runId).toBe('run-1');
        if (opts.fail) throw new Error('database gone');
        writes.push(p);
      },
    },
  };
}

describe('run progress throttle', () => {
  it('writes every phase change at once, and ticket counts at most once per interval, always the last ticket', async () => {
    let t = 0;
    const { store, writes } = fakeStore();
    const p = runProgress(store, 'run-1', { now: () => t, minIntervalMs: 500 });
    await p.phase('listing changes');
    await p.phase('syncing tickets', 100);
    expect(writes.map(basic)).toEqual([
      { phase: 'listing changes', ticketsSeen: 0, ticketsDone: 0 },
      { phase: 'syncing tickets', ticketsSeen: 100, ticketsDone: 0 },
    ]);
    // 100 tickets, 10 ms each: one second in all.
    for (let i = 0; i < 100; i++) {
      t += 10;
      await p.ticketDone();
    }
    const counts = writes.slice(2).map((w) => w.ticketsDone);
    // At 500 ms and 1000 ms (tickets 50 and 100): two writes, not a hundred; the last one is the last ticket.
    expect(counts).toEqual([50, 100]);
    await p.phase('saving cursors');
    expect(basic(writes.at(-1)!)).toEqual({ phase: 'saving cursors', ticketsSeen: 100, ticketsDone: 100 });
    expect(basic(p.current)).toEqual({ phase: 'saving cursors', ticketsSeen: 100, ticketsDone: 100 });
  });

  it('slow tickets are each written; nothing is written twice', async () => {
    let t = 0;
    const { store, writes } = fakeStore();
    const p = runProgress(store, 'run-1', { now: () => t });
    await p.phase('syncing tickets', 3);
    for (let i = 0; i < 3; i++) {
      t += 800;
      await p.ticketDone();
    }
    expect(writes.map((w) => w.ticketsDone)).toEqual([0, 1, 2, 3]);
    await p.phase('syncing tickets', 3); // same state again: no write
    expect(writes).toHaveLength(4);
  });

  it('a phase change right after a throttled ticket carries the pending count', async () => {
    let t = 0;
    const { store, writes } = fakeStore();
    const p = runProgress(store, 'run-1', { now: () => t });
    await p.phase('syncing tickets', 10);
    t += 10;
    await p.ticketDone();
    await p.ticketDone();
    expect(writes).toHaveLength(1);
    await p.phase('saving cursors');
    expect(basic(writes.at(-1)!)).toEqual({ phase: 'saving cursors', ticketsSeen: 10, ticketsDone: 2 });
  });

  it('a failing write does not fail the run', async () => {
    const { store } = fakeStore({ fail: true });
    const p = runProgress(store, 'run-1');
    await expect(p.phase('syncing tickets', 1)).resolves.toBeUndefined();
    await expect(p.ticketDone()).resolves.toBeUndefined();
    expect(p.current.ticketsDone).toBe(1);
  });
});

/** A run's tickets as the engine meets them: per side, how many listed, which travel, which fail; comments and files found. */
interface Scenario {
  name: string;
  listed: { source: number; target: number };
  keptBack: { source: number; target: number };
  failedTickets: number;
  comments: { planned: number; failed: number };
  attachments: { planned: number; failed: number };
}

const scenarios: Scenario[] = [
  {
    name: 'nothing changed',
    listed: { source: 0, target: 0 },
    keptBack: { source: 0, target: 0 },
    failedTickets: 0,
    comments: { planned: 0, failed: 0 },
    attachments: { planned: 0, failed: 0 },
  },
  {
    name: 'one side only, all travel',
    listed: { source: 12, target: 0 },
    keptBack: { source: 0, target: 0 },
    failedTickets: 0,
    comments: { planned: 30, failed: 0 },
    attachments: { planned: 4, failed: 0 },
  },
  {
    name: 'filters keep some back on both sides',
    listed: { source: 120, target: 40 },
    keptBack: { source: 15, target: 38 },
    failedTickets: 3,
    comments: { planned: 17, failed: 2 },
    attachments: { planned: 9, failed: 1 },
  },
  {
    name: 'everything kept back',
    listed: { source: 5, target: 5 },
    keptBack: { source: 5, target: 5 },
    failedTickets: 0,
    comments: { planned: 0, failed: 0 },
    attachments: { planned: 0, failed: 0 },
  },
];

describe('progress by step adds up', () => {
  it.each(scenarios)('$name', async (sc) => {
    let t = 0;
    const { store, writes } = fakeStore();
    const p = runProgress(store, 'run-1', { now: () => t });
    await p.phase('listing changes');
    for (const side of ['source', 'target'] as const) await p.listed(side, sc.listed[side]);
    await p.phase('screening tickets');
    for (const side of ['source', 'target'] as const) {
      for (let i = 0; i < sc.listed[side]; i++) {
        t += 7;
        await p.screened(side, i >= sc.keptBack[side]);
      }
    }
    const travelling = sc.listed.source - sc.keptBack.source + sc.listed.target - sc.keptBack.target;
    await p.phase('syncing tickets', travelling);
    for (let i = 0; i < travelling; i++) {
      t += 7;
      // The conversation of the tickets, spread over them.
      if (i === 0) {
        p.conversation('comments', { planned: sc.comments.planned });
        p.conversation('attachments', { planned: sc.attachments.planned });
      }
      if (i === travelling - 1) {
        p.conversation('comments', { done: sc.comments.planned - sc.comments.failed, failed: sc.comments.failed });
        p.conversation('attachments', { done: sc.attachments.planned - sc.attachments.failed, failed: sc.attachments.failed });
      }
      await p.ticketDone(i < sc.failedTickets);
    }
    await p.phase('saving cursors');

    const s = writes.at(-1)!.steps!;
    for (const side of ['source', 'target'] as const) {
      expect(s.listed[side]).toBe(sc.listed[side]);
      expect(s.screened[side]).toBe(s.listed[side]);
      expect(s.keptBack[side] + s.travelling[side]).toBe(s.listed[side]);
    }
    expect(s.tickets.planned).toBe(s.travelling.source + s.travelling.target);
    for (const step of [s.tickets, s.comments, s.attachments]) expect(step.done + step.failed).toBe(step.planned);
    expect(s.tickets.failed).toBe(sc.failedTickets);
    // The original figures agree with the steps.
    expect(writes.at(-1)!.ticketsSeen).toBe(s.tickets.planned);
    expect(writes.at(-1)!.ticketsDone).toBe(s.tickets.done + s.tickets.failed);
    // Throttled: far fewer writes than events, and the counts never go down between writes.
    const events = sc.listed.source + sc.listed.target + travelling;
    expect(writes.length).toBeLessThanOrEqual(Math.max(8, events / 5));
    for (let i = 1; i < writes.length; i++) {
      const [a, b] = [writes[i - 1]!.steps!, writes[i]!.steps!];
      expect(b.screened.source + b.screened.target).toBeGreaterThanOrEqual(a.screened.source + a.screened.target);
      expect(b.tickets.done + b.tickets.failed).toBeGreaterThanOrEqual(a.tickets.done + a.tickets.failed);
    }
  });

  it('what each organisation sees: its own listed and kept-back tickets, of the partner only what travels', () => {
    const raw = {
      listed: { source: 120, target: 40 },
      screened: { source: 120, target: 40 },
      keptBack: { source: 15, target: 38 },
      travelling: { source: 105, target: 2 },
      tickets: { planned: 107, done: 50, failed: 1 },
      comments: { planned: 3, done: 3, failed: 0 },
      attachments: { planned: 0, done: 0, failed: 0 },
    };
    const source = stepsView(raw, 'source')!;
    const target = stepsView(raw, 'target')!;
    expect(source.yours).toEqual({ listed: 120, screened: 120, keptBack: 15, travelling: 105 });
    expect(source.tickets).toEqual({ planned: 107, done: 50, failed: 1, fromPartner: 2 });
    expect(target.yours).toEqual({ listed: 40, screened: 40, keptBack: 38, travelling: 2 });
    expect(target.tickets.fromPartner).toBe(105);
    expect(JSON.stringify(target)).not.toContain('120');
    expect(JSON.stringify(target)).not.toMatch(/:15\b/);
    expect(stepsView(raw)!.yours).toBeUndefined();
    expect(stepsView(null)).toBeNull();
    expect(parseSteps({ listed: { source: -1, target: 'x' } })!.listed).toEqual({ source: 0, target: 0 });
  });
});
