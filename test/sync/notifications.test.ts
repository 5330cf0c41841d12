import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimTransition } from '../../src/db/repositories/notifications.ts';
import { NOTIFY_QUEUE } from '../../src/notifications/notifier.ts';
import { verifySignature } from '../../src/notifications/signature.ts';
import { startHttpReceiver } from '../helpers/notification-receivers.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

// The real job engine polls; on a loaded 2-core machine a step can take a while.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/**
 * Failure notifications end to end, through pg-boss as in production: Acme (source) has a signed webhook,
 * Globex (target) a Slack channel. Globex's platform starts rejecting the API key: the run fails, and each
 * organisation hears exactly once, in its own words; a second failed run adds nothing; the run that
 * succeeds again brings exactly one "recovered" each.
 */
let pair: SyncPair;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let signingSecret: string;

const deliveryJobs = async () =>
  (await sql<{ state: string }>`SELECT state FROM pgboss.job WHERE name = ${NOTIFY_QUEUE}`.execute(pair.stack.database.db)).rows.map((r) => r.state);

beforeAll(async () => {
  http = await startHttpReceiver();
  pair = await startSyncPair({ stack: { jobs: 'boss', env: { SF_PUBLIC_URL: 'https://sync.example.com', SF_SCHEDULER_TICK_SECONDS: '2' } } });
  const add = (auth: Record<string, string>, payload: object) =>
    pair.stack.app.inject({ method: 'POST', url: '/api/v1/notifications/channels', headers: auth, payload });
  const hook = await add(pair.source.auth, { kind: 'webhook', name: 'Acme monitoring', settings: { url: `${http.url}/acme-hook` } });
  expect(hook.statusCode).toBe(201);
  signingSecret = hook.json().signingSecret;
  expect((await add(pair.target.auth, { kind: 'slack', name: 'Globex ops', settings: { url: `${http.url}/globex-slack` } })).statusCode).toBe(201);
});
afterAll(async () => {
  await pair?.close();
  await http?.close();
});

describe('failure notifications', () => {
  it('a first successful run announces nothing', async () => {
    const run = await pair.sync();
    expect(run.status).toMatch(/success|no_tickets/);
    expect(await deliveryJobs()).toEqual([]);
  });

  it('a failing run sends one notification to each organisation, saying whose side is at fault', async () => {
    pair.target.sim.faults.set({ rules: [{ pathPattern: '^/api/v2/', status: 401, body: { code: 'invalid_credentials', message: 'Invalid credentials' } }] });
    const run = await pair.sync();
    expect(run.status).toBe('failed');
    const got = await http.until(2);
    expect(got).toHaveLength(2);
    const acme = got.find((r) => r.path === '/acme-hook')!;
    const globex = got.find((r) => r.path === '/globex-slack')!;
    expect(verifySignature(signingSecret, acme.headers['x-support-fusion-signature'] as string, acme.body).ok).toBe(true);
    const n = JSON.parse(acme.body);
    expect(n).toMatchObject({
      kind: 'connection.failing',
      organisation: { id: pair.source.organisation.id },
      connection: { id: pair.connectionId, name: 'Acme managed IT', yourSide: 'source', partner: pair.target.organisation.name },
      run: { id: run.id, status: 'failed', url: `https://sync.example.com/sync/${run.id}` },
      fault: 'partner_side',
    });
    expect(n.run.error).toBe(run.error);
    expect(n.text).toMatch(/on your partner's side/);
    const slack = JSON.parse(globex.body).text as string;
    expect(slack).toMatch(/Sync failing: Acme managed IT/);
    expect(slack).toMatch(/on your side/);
    expect(slack).toContain(`https://sync.example.com/sync/${run.id}`);
  });

  it('a second failed run of the same episode sends nothing more; the recovery sends one each', async () => {
    const again = await pair.sync();
    expect(again.status).toBe('failed');
    pair.target.sim.faults.set({ rules: [] });
    // Runs of a connection are worked one after the other, each announced before its job ends: once the
    // recovery's notifications are here, the second failure's would have been queued before them.
    const recovered = await pair.sync();
    expect(recovered.status).toMatch(/success|no_tickets/);
    const got = await http.until(4);
    expect(
      got
        .slice(2)
        .map((r) => [r.path, r.path === '/acme-hook' ? JSON.parse(r.body).kind : /Sync recovered/.test(JSON.parse(r.body).text)])
        .sort(),
    ).toEqual([
      ['/acme-hook', 'connection.recovered'],
      ['/globex-slack', true],
    ]);
    expect(await deliveryJobs()).toHaveLength(4);
    expect(got).toHaveLength(4);
    // Each delivery records its result after the answer: wait for the jobs to end, not only the requests.
    for (let i = 0; i < 600 && (await deliveryJobs()).some((state) => state !== 'completed'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await deliveryJobs()).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('a second worker (or a restart) seeing the same run end claims nothing', async () => {
    const runs = (await pair.stack.app.inject({ url: `/api/v1/sync-runs?connection=${pair.connectionId}`, headers: pair.source.auth })).json().runs;
    const last = runs[0];
    expect(await claimTransition(pair.stack.database.db, pair.connectionId, 'ok', last.id)).toBe(false);
    // An older failed run read late by a slow worker does not reopen the episode.
    const olderFailed = runs.find((r: { status: string }) => r.status === 'failed');
    expect(await claimTransition(pair.stack.database.db, pair.connectionId, 'failing', olderFailed.id)).toBe(false);
    expect(await deliveryJobs()).toHaveLength(4);
  });

  it('a run that ended while nobody could announce it (marked Failed at start-up) is announced by the scheduler tick', async () => {
    const now = new Date();
    await pair.stack.database.db
      .insertInto('sync_runs')
      .values({
        connection_id: pair.connectionId,
        trigger: 'automatic',
        status: 'failed',
        started_at: now,
        finished_at: now,
        error: 'Interrupted: Support Fusion stopped during this run.',
      })
      .execute();
    const got = await http.until(6);
    expect(
      got
        .slice(4)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/acme-hook', '/globex-slack']);
    const acme = JSON.parse(got.slice(4).find((r) => r.path === '/acme-hook')!.body);
    expect(acme).toMatchObject({ kind: 'connection.failing', fault: null, run: { error: 'Interrupted: Support Fusion stopped during this run.' } });
    for (let i = 0; i < 600 && (await deliveryJobs()).some((state) => state !== 'completed'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await deliveryJobs()).toHaveLength(6);
  });
});
