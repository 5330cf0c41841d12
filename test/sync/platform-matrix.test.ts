/**
 * The engine end to end across platform pairs: two organisations on one Support Fusion, each on its own
 * simulated platform (the conformance harnesses start them), paired with no configuration at all. A ticket
 * made by a person on one side is copied to the other, a change of its subject follows, and closing it closes
 * the copy, whatever the two platforms call their fields and statuses (roles and status categories).
 *
 * `npm test` runs a small matrix: every platform once as source and once as target, each with the next in
 * the list (all pairs while there are two platforms). SF_MATRIX=full runs every ordered pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDefinition, TicketConnector } from '../../src/core/connector.ts';
import { closingCategories } from '../../src/core/platform-manifest.ts';
import { requirePlatform } from '../../src/connectors/registry.ts';
import type { PlatformHarness, SimHandle } from '../conformance/harness.ts';
import { loadHarnesses } from '../conformance/platforms/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

const harnesses = await loadHarnesses();

function pairsToRun(all: PlatformHarness[]): Array<[PlatformHarness, PlatformHarness]> {
  if (process.env.SF_MATRIX === 'full' || all.length <= 2) return all.flatMap((a) => all.map((b) => [a, b] as [PlatformHarness, PlatformHarness]));
  // Each platform once as source and once as target, and each with itself in neither: n pairs, not n².
  return all.map((a, i) => [a, all[(i + 1) % all.length]!] as [PlatformHarness, PlatformHarness]);
}

const json = async (r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) => {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
};

const statusField = (fields: FieldDefinition[]) => {
  const f = fields.find((d) => d.role === 'status');
  if (!f) throw new Error('no field with role status');
  return f;
};

const categoryOf = (fields: FieldDefinition[], value: unknown) => statusField(fields).choices.find((c) => String(c.value) === String(value))?.category;

describe.each(pairsToRun(harnesses).map(([a, b]) => ({ name: `${a.platform} → ${b.platform}`, a, b })))('$name', ({ a, b }) => {
  let stack: TestStack;
  let sims: { source: SimHandle; target: SimHandle };
  let auth: { source: Record<string, string>; target: Record<string, string> };
  let connectionId: string;
  let sourceConnector: TicketConnector;
  let targetConnector: TicketConnector;
  // Tickets seeded by the simulators are older than this: only what the test makes is synced.
  let since: string;
  let sourceTicket: string;
  let copyId: string;

  const sync = async () => {
    const started = await json(
      stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth.source, payload: { since } }),
      202,
    );
    const jobs = stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> };
    await jobs.idle?.();
    const run = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth.source }), 200);
    expect(run.status, JSON.stringify(run.error ?? run)).not.toBe('running');
    const details = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}/details`, headers: auth.source }), 200);
    return { run, details: (details.details ?? details.items ?? []) as Array<Record<string, any>> };
  };

  beforeAll(async () => {
    const [source, target] = await Promise.all([a.start(), b.start()]);
    sims = { source, target };
    stack = await startStack({ listen: false });
    const orgs = { source: await signUpAndLogIn(stack.app), target: await signUpAndLogIn(stack.app) };
    auth = { source: orgs.source.auth, target: orgs.target.auth };
    for (const side of ['source', 'target'] as const) {
      const h = side === 'source' ? a : b;
      const creds = sims[side].credentials('admin');
      await json(
        stack.app.inject({
          method: 'PUT',
          url: '/api/v1/platform',
          headers: auth[side],
          payload: { platform: h.platform, apiUrl: creds.apiUrl, credentials: creds.fields },
        }),
        200,
      );
    }
    const created = await json(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth.source, payload: { role: 'source', contractName: 'Matrix' } }),
      201,
    );
    await json(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: auth.target, payload: { verificationCode: created.verificationCode } }),
      200,
    );
    connectionId = created.id;
    const connectorOf = (h: PlatformHarness, sim: SimHandle) =>
      requirePlatform(h.platform).createConnector(sim.credentials('admin'), { timeoutMs: 5000, sideSettings: sim.sideSettings });
    sourceConnector = connectorOf(a, sims.source);
    targetConnector = connectorOf(b, sims.target);
    // Feeds with minute precision read the whole minute: start it before anything this test makes.
    since = new Date(Date.now() - 1000).toISOString();
  });

  afterAll(async () => {
    await stack?.close();
    await sims?.source.close();
    await sims?.target.close();
  });

  it('copies a new ticket with no configuration', async () => {
    [sourceTicket] = (await sims.source.seedTickets([{ subject: `Printer on fire (${a.platform} → ${b.platform})` }])) as [string];
    const { run, details } = await sync();
    expect(run.status, JSON.stringify(details)).toBe('success');
    const mine = details.find((d) => d.sourceTicketId === sourceTicket);
    expect(mine?.outcome, JSON.stringify(details)).toBe('created');
    copyId = mine!.targetTicketId;
    const copy = await targetConnector.getTicket(copyId);
    expect(copy?.subject).toBe(`Printer on fire (${a.platform} → ${b.platform})`);
  });

  it('carries a change of the subject made by a person', async () => {
    await sims.source.editTicketAsPerson(sourceTicket, { subject: 'Printer still on fire' });
    const { details } = await sync();
    expect(details.find((d) => d.sourceTicketId === sourceTicket)?.outcome, JSON.stringify(details)).toBe('updated');
    expect((await targetConnector.getTicket(copyId))?.subject).toBe('Printer still on fire');
  });

  it('the mapping document as the Mappings page shows it saves again unchanged (its defaults fit both platforms)', async () => {
    const shown = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/mappings`, headers: auth.source }), 200);
    const saved = await stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/mappings`,
      headers: auth.source,
      payload: { mappings: shown.mappings },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('closes the copy when the ticket is closed, by status category', async () => {
    const sourceFields = await sourceConnector.fieldDefinitions();
    const status = statusField(sourceFields);
    const closing = status.choices.find((c) => c.category === 'closed') ?? status.choices.find((c) => c.category === 'resolved');
    expect(closing, `${a.platform} offers no closing status`).toBeDefined();
    await sourceConnector.updateTicket(sourceTicket, { fields: { [status.name]: closing!.value } });
    const { details } = await sync();
    expect(details.find((d) => d.sourceTicketId === sourceTicket)?.outcome, JSON.stringify(details)).toMatch(/updated|closed/);
    const copy = await targetConnector.getTicket(copyId);
    const targetFields = await targetConnector.fieldDefinitions();
    const category = categoryOf(targetFields, copy?.fields[statusField(targetFields).name]);
    expect(closingCategories).toContain(category);
  });
});
