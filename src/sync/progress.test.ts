import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../db/repositories/sync-store.ts';
import { runProgress } from './progress.ts';

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
    expect(writes).toEqual([
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
    expect(writes.at(-1)).toEqual({ phase: 'saving cursors', ticketsSeen: 100, ticketsDone: 100 });
    expect(p.current).toEqual({ phase: 'saving cursors', ticketsSeen: 100, ticketsDone: 100 });
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
    expect(writes.at(-1)).toEqual({ phase: 'saving cursors', ticketsSeen: 10, ticketsDone: 2 });
  });

  it('a failing write does not fail the run', async () => {
    const { store } = fakeStore({ fail: true });
    const p = runProgress(store, 'run-1');
    await expect(p.phase('syncing tickets', 1)).resolves.toBeUndefined();
    await expect(p.ticketDone()).resolves.toBeUndefined();
    expect(p.current.ticketsDone).toBe(1);
  });
});
