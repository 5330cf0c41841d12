import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

// The real job engine (pg-boss on PGlite) and a listening server; a slow platform keeps a run going.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

let pair: SyncPair;
beforeAll(async () => {
  pair = await startSyncPair({ stack: { listen: true, jobs: 'boss' } });
});
afterAll(async () => pair?.close());

interface SseEvent {
  event: string;
  data: any;
}

/** Opens the run's event stream over real HTTP and collects events until the server ends it. */
async function readEvents(
  runId: string,
  auth: Record<string, string>,
  signal?: AbortSignal,
  onFirstChunk?: () => void,
): Promise<{ status: number; type: string | null; events: SseEvent[]; raw: string }> {
  const res = await fetch(`${pair.stack.url}/api/v1/sync-runs/${runId}/events`, { headers: { ...auth, accept: 'text/event-stream' }, signal });
  const type = res.headers.get('content-type');
  if (res.status !== 200) return { status: res.status, type, events: [], raw: await res.text() };
  const decoder = new TextDecoder();
  let raw = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    raw += decoder.decode(chunk, { stream: true });
    onFirstChunk?.();
  }
  const events: SseEvent[] = [];
  for (const block of raw.split('\n\n')) {
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (event && data) events.push({ event, data: JSON.parse(data) });
  }
  return { status: res.status, type, events, raw };
}

const startRun = async () => {
  const r = await pair.stack.app.inject({
    method: 'POST',
    url: `/api/v1/connections/${pair.connectionId}/sync-runs`,
    headers: pair.source.auth,
    payload: { since: new Date(Date.now() - 60 * 86_400_000).toISOString() },
  });
  expect(r.statusCode, r.body).toBe(202);
  return r.json().id as string;
};
const waitForEnd = async (runId: string) => {
  for (let i = 0; i < 600; i++) {
    const run = (await pair.stack.app.inject({ url: `/api/v1/sync-runs/${runId}`, headers: pair.source.auth })).json();
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('run did not end');
};

describe('live progress of a sync run (SSE)', () => {
  let runId = '';

  it('streams progress events with increasing tickets done, then the final run, then ends', async () => {
    pair.source.sim.faults.set({ latencyMs: 400 });
    try {
      runId = await startRun();
      const { status, type, events, raw } = await readEvents(runId, pair.source.auth);
      expect(status).toBe(200);
      expect(type).toMatch(/^text\/event-stream/);
      expect(raw.startsWith('retry: 2000')).toBe(true);
      const progress = events.filter((e) => e.event === 'progress');
      const syncing = progress.filter((e) => e.data.progress.phase === 'syncing tickets' && e.data.progress.ticketsDone > 0);
      expect(syncing.length, raw).toBeGreaterThanOrEqual(2);
      const done = syncing.map((e) => e.data.progress.ticketsDone);
      for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
      expect(done[done.length - 1]).toBeGreaterThan(done[0]);
      // Only changes are pushed: no two progress events in a row say the same thing.
      for (let i = 1; i < progress.length; i++) expect(JSON.stringify(progress[i]!.data)).not.toBe(JSON.stringify(progress[i - 1]!.data));
      for (const e of progress) expect(e.data).toMatchObject({ id: runId, status: 'running' });
      // The last event is the finished run; nothing follows it.
      const last = events[events.length - 1]!;
      expect(last.event).toBe('done');
      expect(events.filter((e) => e.event === 'done')).toHaveLength(1);
      expect(last.data.status).toBe('success');
      expect(last.data.progress.ticketsSeen).toBeGreaterThan(0);
      expect(last.data.progress.ticketsDone).toBe(last.data.progress.ticketsSeen);
      expect(last.data.counts.created).toBe(last.data.progress.ticketsSeen);
      // The same figures as GET /sync-runs/:id.
      const run = (await pair.stack.app.inject({ url: `/api/v1/sync-runs/${runId}`, headers: pair.source.auth })).json();
      expect(run.progress).toEqual(last.data.progress);
      expect(run.counts).toEqual(last.data.counts);
    } finally {
      pair.source.sim.faults.clear();
    }
  });

  it('a finished run gets one done event and the stream ends at once; the partner may follow it too', async () => {
    for (const auth of [pair.source.auth, pair.target.auth]) {
      const { status, events } = await readEvents(runId, auth);
      expect(status).toBe(200);
      expect(events.map((e) => e.event)).toEqual(['done']);
      expect(events[0]!.data.id).toBe(runId);
    }
  });

  it('another organisation, a missing run or no session: the error, no stream', async () => {
    const outsider = await signUpAndLogIn(pair.stack.app, 'sseoutsider');
    const foreign = await readEvents(runId, outsider.auth);
    const missing = await readEvents('00000000-0000-4000-8000-000000000000', outsider.auth);
    expect(foreign.status).toBe(404);
    expect(foreign.type).toMatch(/application\/json/);
    expect(foreign.raw).toBe(missing.raw);
    expect(JSON.parse(foreign.raw).error.code).toBe('not_found');
    expect((await readEvents(runId, {})).status).toBe(401);
    expect((await readEvents('not-a-uuid', pair.source.auth)).status).toBe(404);
  });

  it('streams closed by their clients are cleaned up: the per-organisation limit frees again', async () => {
    // Each source request takes a second (under the 1.5 s platform timeout): the run lasts a few seconds.
    pair.source.sim.faults.set({ latencyMs: 1000 });
    try {
      const running = await startRun();
      const controllers: AbortController[] = [];
      const opened: Array<Promise<unknown>> = [];
      const first = await fetch(`${pair.stack.url}/api/v1/sync-runs/${running}/events`, { headers: pair.source.auth });
      expect(first.status).toBe(200);
      for (let i = 0; i < 19; i++) {
        const c = new AbortController();
        controllers.push(c);
        opened.push(fetch(`${pair.stack.url}/api/v1/sync-runs/${running}/events`, { headers: pair.source.auth, signal: c.signal }).then((r) => r.status));
      }
      expect(await Promise.all(opened)).toEqual(Array(19).fill(200));
      const over = await fetch(`${pair.stack.url}/api/v1/sync-runs/${running}/events`, { headers: pair.source.auth });
      expect(over.status).toBe(429);
      expect((await over.json()).error.code).toBe('too_many_streams');
      // Another organisation is not limited by Acme's streams.
      expect((await readEvents(running, pair.target.auth)).events.at(-1)?.event).toBe('done');
      for (const c of controllers) c.abort();
      await first.body?.cancel();
      let again = 429;
      for (let i = 0; i < 50 && again === 429; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await fetch(`${pair.stack.url}/api/v1/sync-runs/${running}/events`, { headers: pair.source.auth });
        again = r.status;
        await r.body?.cancel();
      }
      expect(again).toBe(200);
      await waitForEnd(running);
    } finally {
      pair.source.sim.faults.clear();
    }
  });

  // Last: it closes the server.
  it('an open stream does not keep the server from closing: it is ended first', async () => {
    // The source does not answer: the run keeps going (its requests time out and are retried) far longer than the close may take.
    pair.source.sim.faults.set({ hang: true });
    const running = await startRun();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const reading = readEvents(running, pair.source.auth, undefined, () => opened());
    // Closed once the stream is really open (its first event arrived), not while it is being set up.
    await Promise.race([open, reading, new Promise((r) => setTimeout(r, 30_000))]);
    const t0 = Date.now();
    let endedAfter = Infinity;
    void reading.then(
      () => (endedAfter = Date.now() - t0),
      () => {},
    );
    await pair.stack.app.close();
    // The stream is ended as soon as closing starts (the rest of the close may wait for the run's job);
    // the client sees the end a moment after the server wrote it. A stream that held the server open
    // would never end here: the run cannot finish while the source hangs.
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5_000))]);
    expect(endedAfter).toBeLessThan(5_000);
    const { status, events } = await reading;
    expect(status).toBe(200);
    // The stream ended without a done event: the run was still going when the server closed.
    expect(events.some((e) => e.event === 'done')).toBe(false);
    pair.source.sim.faults.clear();
    // The run's job goes on after the HTTP server closed (its hung request times out, then succeeds):
    // let it end before the store closes, or the job engine would record its end in a closed database.
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const row = await pair.stack.database.db.selectFrom('sync_runs').select('status').where('id', '=', running).executeTakeFirst();
      if (row?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_500));
  });
});
