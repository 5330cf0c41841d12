import { join } from 'node:path';
import { createTempDatabase, type TempDatabase } from '../lib/pg.ts';
import { pairOrganisations, setAutomaticSync, startManualRun, startProduct, waitForRun, webhookUrl, type Product } from '../lib/product.ts';
import { check, machine, type BenchContext, type BenchRecord } from '../lib/record.ts';
import { sim, startSimulator } from '../lib/sim.ts';
import { log, percentile, round, sleep } from '../lib/util.ts';

const LATENCY_MS = 100;

interface ModeResult {
  edits: number;
  mirrored: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  apiCallsPerEdit: { source: number; target: number };
}

/**
 * Scenario 4: edits in the source, one at a time, with 100 ms added to every API request; the time from
 * the edit to its arrival on the target, through webhooks and through a 1-minute schedule.
 */
export async function runLatency(ctx: BenchContext, o: { edits: number; modes: Array<'webhook' | 'polling'>; pollSpacingMs: number }): Promise<BenchRecord> {
  const started = Date.now();
  const [
    {
      proc: srcProc,
      accounts: [source],
    },
    {
      proc: tgtProc,
      accounts: [target],
    },
  ] = await Promise.all([startSimulator({ label: 'source simulator' }), startSimulator({ label: 'target simulator' })]);
  let db: TempDatabase | null = null;
  let product: Product | null = null;
  try {
    const seeded = await sim.seedBulk(source!, { tickets: o.edits, requesters: 5 });
    if (ctx.db === 'postgres') db = await createTempDatabase(ctx.serverUrl);
    // The schedule at its shortest interval; the scheduler tick is left at its default (30 s).
    product = await startProduct({
      databaseUrl: db?.url,
      env: { SF_SYNC_INTERVAL_MINUTES: '1' },
      ...(ctx.profileDir ? { cpuProfDir: join(ctx.profileDir, 'latency') } : {}),
    });
    const pair = await pairOrganisations(product, source!, target!);
    const baseline = await startManualRun(product, pair, '2020-01-01');
    await waitForRun(product, pair, baseline, 300_000);
    for (const a of [source!, target!]) await sim.setLatency(a, LATENCY_MS);
    const ids = Array.from({ length: o.edits }, (_, i) => seeded.firstId! + i);
    const results: Record<string, ModeResult> = {};

    if (o.modes.includes('webhook')) {
      log(`latency: ${o.edits} edits through the webhook, one at a time`);
      const hook = await webhookUrl(product, pair);
      const marks = { source: await sim.mark(source!), target: await sim.mark(target!) };
      const lat: number[] = [];
      for (const [i, id] of ids.entries()) {
        const subject = `Webhook edit ${i + 1} ${Date.now()}`;
        await sim.edit(source!, id, { subject });
        const changedAt = performance.now();
        // What the Workflow Automator's "Trigger Webhook" action sends, right after the change.
        const r = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket_id: id }) });
        if (!r.ok) throw new Error(`webhook → ${r.status} ${await r.text()}`);
        const at = await arrival(target!, [subject], 120_000);
        if (at[subject] !== undefined) lat.push(at[subject]! - changedAt);
      }
      const s = await sim.summary(source!, marks.source);
      const t = await sim.summary(target!, marks.target);
      results.webhook = summarise(o.edits, lat, { source: s.calls / o.edits, target: t.calls / o.edits });
    }

    if (o.modes.includes('polling')) {
      log(`latency: ${o.edits} edits, ${o.pollSpacingMs} ms apart, picked up by the 1-minute schedule`);
      await setAutomaticSync(product, pair, true);
      const marks = { source: await sim.mark(source!), target: await sim.mark(target!) };
      const pending = new Map<string, number>();
      const lat: number[] = [];
      let editing = true;
      const watcher = (async () => {
        while (editing || pending.size > 0) {
          const found = await sim.findSubjects(target!, [...pending.keys()]);
          const now = performance.now();
          for (const subject of Object.keys(found)) {
            lat.push(now - pending.get(subject)!);
            pending.delete(subject);
          }
          await sleep(200);
        }
      })();
      const deadline = () => performance.now() + 3 * 60_000 + 60_000;
      for (const [i, id] of ids.entries()) {
        const subject = `Scheduled edit ${i + 1} ${Date.now()}`;
        await sim.edit(source!, id, { subject });
        pending.set(subject, performance.now());
        await sleep(o.pollSpacingMs);
      }
      editing = false;
      const end = deadline();
      await Promise.race([
        watcher,
        (async () => {
          while (performance.now() < end && pending.size > 0) await sleep(500);
          pending.clear();
        })(),
      ]);
      await watcher;
      const s = await sim.summary(source!, marks.source);
      const t = await sim.summary(target!, marks.target);
      results.polling = summarise(o.edits, lat, { source: s.calls / o.edits, target: t.calls / o.edits });
      await setAutomaticSync(product, pair, false);
    }

    const w = results.webhook;
    const p = results.polling;
    const sec = (ms: number | null) => (ms === null ? '—' : `${round(ms / 1000, 2)} s`);
    return {
      scenario: 'latency',
      title: '4. Change-to-mirror latency',
      params: {
        edits: o.edits,
        apiLatencyMs: LATENCY_MS,
        modes: o.modes,
        schedule: '1 minute (SF_SYNC_INTERVAL_MINUTES=1, scheduler tick 30 s default)',
        pollSpacingMs: o.pollSpacingMs,
      },
      machine: machine(),
      database: ctx.db,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      figures: results,
      targets: [
        check('webhook change-to-mirror p95', '≤ 10 s', w ? sec(w.p95Ms) : null, w ? w.p95Ms !== null && w.p95Ms <= 10_000 && w.mirrored === w.edits : null),
      ],
      summary: [
        ...(w
          ? ([
              [
                'webhook p50 / p95 / max',
                `${sec(w.p50Ms)} / ${sec(w.p95Ms)} / ${sec(w.maxMs)} (${w.mirrored}/${w.edits} mirrored; ${round(w.apiCallsPerEdit.source, 1)} + ${round(w.apiCallsPerEdit.target, 1)} API calls per edit)`,
              ],
            ] as Array<[string, string]>)
          : []),
        ...(p
          ? ([['1-minute schedule p50 / p95 / max', `${sec(p.p50Ms)} / ${sec(p.p95Ms)} / ${sec(p.maxMs)} (${p.mirrored}/${p.edits} mirrored)`]] as Array<
              [string, string]
            >)
          : []),
      ],
      notes: [
        'Change time: when the simulator confirmed the edit; arrival: when the bench (polling the target simulator every 50–200 ms) first saw the new subject. The webhook is posted right after the edit, as the Workflow Automator would.',
        'Webhook edits wait for the previous edit to arrive; scheduled edits are spaced and do not wait.',
      ],
    };
  } finally {
    await product?.stop();
    await db?.drop();
    await srcProc.stop();
    await tgtProc.stop();
  }
}

/** performance.now() at which each subject was first seen on the target (polled every 50 ms). */
async function arrival(target: Parameters<typeof sim.findSubjects>[0], subjects: string[], timeoutMs: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  const end = performance.now() + timeoutMs;
  while (performance.now() < end && Object.keys(seen).length < subjects.length) {
    const found = await sim.findSubjects(
      target,
      subjects.filter((s) => !(s in seen)),
    );
    const now = performance.now();
    for (const s of Object.keys(found)) seen[s] = now;
    if (Object.keys(seen).length < subjects.length) await sleep(50);
  }
  return seen;
}

function summarise(edits: number, lat: number[], perEdit: { source: number; target: number }): ModeResult {
  const r = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    edits,
    mirrored: lat.length,
    p50Ms: r(percentile(lat, 50)),
    p95Ms: r(percentile(lat, 95)),
    maxMs: r(lat.length ? Math.max(...lat) : null),
    apiCallsPerEdit: { source: round(perEdit.source, 2), target: round(perEdit.target, 2) },
  };
}
