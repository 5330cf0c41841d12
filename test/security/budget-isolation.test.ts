import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { inviteMember } from '../helpers/members.ts';
import { connectTwoOrganisations, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Issue 11, item 6: tenants must not spend each other's API budget.
 * - Tenant B saves tenant A's host with a bogus key and runs Test Connection and syncs: none of it is
 *   reserved from A's account budget (only keys that passed a test spend it); B's calls are gated on an
 *   allowance of their own.
 * - Test Connection goes through the budget like every call.
 * - A partner viewer loading the fields page 200 times costs a handful of platform calls (cached field
 *   lists), and saving the platform settings reads them afresh.
 */

type SignedIn = Awaited<ReturnType<typeof signUpAndLogIn>>;

let stack: TestStack;
let simA: FreshserviceSimulator; // tenant A's real Freshservice account
let simC: FreshserviceSimulator; // partners' accounts
let a: SignedIn;
let b: SignedIn;
let c: SignedIn;
let d: SignedIn;
let hostA: string;

const db = () => stack.database.db;

/** Credits reserved on `account` (exactly, or a LIKE pattern) since `since` (database clock). */
async function reservedSince(account: string, since: Date, like = false): Promise<number> {
  const r = await db()
    .selectFrom('rate_reservations')
    .select(sql<number>`coalesce(sum(credits), 0)::integer`.as('n'))
    .where('account', like ? 'like' : '=', account)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const dbNow = async () => (await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(db())).rows[0]!.now;

async function must(r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Starts a manual run and waits (on the run row) until it has ended. */
async function syncAndWait(connectionId: string, auth: Record<string, string>) {
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const started = await must(
    stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth, payload: { since } }),
    202,
  );
  await (stack.jobs as typeof stack.jobs & { idle(): Promise<void> }).idle();
  const run = await must(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth }), 200);
  expect(run.status).not.toBe('running');
  return run;
}

beforeAll(async () => {
  simA = await startFreshserviceSimulator({ name: 'acme', seed: 'demo', rateLimit: false });
  simC = await startFreshserviceSimulator({ name: 'globex', seed: 'empty', rateLimit: false });
  // A slow answer on a loaded machine must not fail a test as a timeout: these tests are about the budget.
  stack = await startStack({ listen: false, env: { SF_PLATFORM_TIMEOUT_MS: '30000' } });
  hostA = new URL(simA.url).host;
  [a, b, c, d] = [
    await signUpAndLogIn(stack.app, `a${Math.random().toString(36).slice(2, 6)}`),
    await signUpAndLogIn(stack.app, `b${Math.random().toString(36).slice(2, 6)}`),
    await signUpAndLogIn(stack.app, `c${Math.random().toString(36).slice(2, 6)}`),
    await signUpAndLogIn(stack.app, `d${Math.random().toString(36).slice(2, 6)}`),
  ];
}, 600_000);

afterAll(async () => {
  await stack?.close();
  await simA?.close();
  await simC?.close();
});

// Generous bounds: they only bound a failure, and a loaded CI machine is slow to sign organisations up.
describe('API budget isolation between tenants', { timeout: 600_000 }, () => {
  let connectionAC: string;

  it('Test Connection spends budget: a new key its own allowance, a tested key the account budget', async () => {
    connectionAC = await connectTwoOrganisations(stack.app, [a, c], [simA, simC]);
    const t0 = await dbNow();
    simA.clearRequests();
    const first = await must(stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: a.auth }), 200);
    expect(first.ok).toBe(true);
    const calls = simA.requests.length;
    expect(calls).toBeGreaterThanOrEqual(5);
    // Not yet tested while it ran: the key's own allowance paid, the account's budget did not.
    expect(await reservedSince(`${hostA}~untested-%`, t0, true)).toBe(calls);
    expect(await reservedSince(hostA, t0)).toBe(0);

    const t1 = await dbNow();
    simA.clearRequests();
    const second = await must(stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: a.auth }), 200);
    expect(second.ok).toBe(true);
    // Passed before: now it spends the account's budget, one credit per call the platform saw.
    expect(await reservedSince(hostA, t1)).toBe(simA.requests.length);
  });

  it("a tenant saving A's host with a bogus key and running tests and syncs spends nothing of A's budget", async () => {
    // A's syncs spend the account budget (its key passed a test).
    const t0 = await dbNow();
    const aRun = await syncAndWait(connectionAC, a.auth);
    expect(aRun.status).toMatch(/success|no_tickets|partial/);
    expect(await reservedSince(hostA, t0)).toBeGreaterThan(0);

    // Tenant B: A's host, a key that is not A's.
    await must(
      stack.app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: b.auth,
        payload: { platform: 'freshservice', apiUrl: simA.url, apiKey: 'BogusKeyNotAcmes1234' },
      }),
      200,
    );
    const connectionBD = await connectTwoOrganisations(stack.app, [b, d], [{ url: simA.url, keyFor: () => 'BogusKeyNotAcmes1234' }, simC]);
    const t1 = await dbNow();
    simA.clearRequests();
    for (let i = 0; i < 3; i++) {
      const test = await must(stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: b.auth }), 200);
      expect(test.ok).toBe(false);
      expect(test.error.code).toBe('authentication_failed');
    }
    for (let i = 0; i < 3; i++) expect((await syncAndWait(connectionBD, b.auth)).status).toBe('failed');

    // B's calls reached the platform (and were refused) ...
    const bCalls = simA.requests.length;
    expect(bCalls).toBeGreaterThanOrEqual(6);
    // ... none paid from A's account budget, each from B's key's own allowance.
    expect(await reservedSince(hostA, t1)).toBe(0);
    expect(await reservedSince(`${hostA}~untested-%`, t1, true)).toBe(bCalls);

    // A's own dashboard shows its budget as before B came.
    const dash = await must(stack.app.inject({ url: '/api/v1/dashboard', headers: a.auth }), 200);
    const own = dash.rateBudgets.find((x: any) => x.usedFor.includes('Platform settings'));
    expect(own).toMatchObject({ account: hostA, keyTested: true });
    expect(own.used).toBe(await reservedSince(hostA, new Date(Date.now() - 61_000)));
  });

  it('200 fields requests by a partner viewer cost a handful of platform calls; saved settings read afresh', async () => {
    const viewer = await inviteMember(stack.app, c.auth, 'viewer');
    const formFieldCalls = (sim: FreshserviceSimulator) => sim.requests.filter((r) => r.path.includes('ticket_form_fields')).length;
    simA.clearRequests();
    simC.clearRequests();
    const t0 = await dbNow();
    const answers = [];
    for (let batch = 0; batch < 10; batch++) {
      answers.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => stack.app.inject({ url: `/api/v1/connections/${connectionAC}/fields`, headers: viewer.auth })))),
      );
    }
    expect(answers.map((r) => r.statusCode)).toEqual(Array(200).fill(200));
    const body = answers[199]!.json();
    expect(body.source.error).toBeNull();
    expect(body.source.fields.length).toBeGreaterThan(0);
    expect(formFieldCalls(simA)).toBeLessThanOrEqual(2);
    expect(formFieldCalls(simC)).toBeLessThanOrEqual(2);
    expect(simA.requests.length + simC.requests.length).toBeLessThanOrEqual(4);
    // The calls made went through the budget.
    expect(await reservedSince(hostA, t0)).toBe(simA.requests.length);

    // A's admin saves the platform settings again: the next page load reads A's fields afresh.
    const before = formFieldCalls(simA);
    await must(stack.app.inject({ method: 'PUT', url: '/api/v1/platform', headers: a.auth, payload: { platform: 'freshservice', apiUrl: simA.url } }), 200);
    await must(stack.app.inject({ url: `/api/v1/connections/${connectionAC}/fields`, headers: viewer.auth }), 200);
    expect(formFieldCalls(simA)).toBe(before + 1);
  });
});
