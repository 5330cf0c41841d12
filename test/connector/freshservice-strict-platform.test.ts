import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TicketConnector } from '../../src/core/connector.ts';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import { NO_DESCRIPTION, NO_SUBJECT } from '../../src/connectors/freshservice/ticket-mapping.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

// The connector against what real Freshservice refuses or does late: a lagging search index, blank text,
// unknown query parameters, custom sources.
let sim: FreshserviceSimulator;
let fs: TicketConnector;
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: false });
  fs = createFreshserviceConnector({ apiUrl: sim.url, apiKey: sim.keyFor('admin') }, { timeoutMs: 3000, sleep: async () => {} });
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.state.search.release();
  sim.clearRequests();
});

const alice = () => String(sim.state.userByEmail('alice.martin@acme.example.com')!.id);

describe('Freshservice connector against a strict platform', () => {
  it('findTicketByMarker finds a copy the search index does not show yet (no duplicate on retry)', async () => {
    sim.state.search.hold();
    const t = await fs.createTicket({ type: 'Incident', subject: 'Lagging copy', description: '<p>Body</p>', requesterId: alice(), marker: 'sf-lag1' });
    const filtered = await fetch(`${sim.url}/api/v2/tickets/filter?query=${encodeURIComponent(`"tag:'sf-lag1'"`)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${sim.keyFor('admin')}:X`).toString('base64')}` },
    });
    expect(((await filtered.json()) as { total: number }).total).toBe(0);
    const found = await fs.findTicketByMarker('sf-lag1', { subject: 'Lagging copy', createdAfter: new Date(Date.now() - 1000) });
    expect(found?.id).toBe(t.id);
    expect(sim.requests.some((r) => r.path.endsWith('/tickets') && r.method === 'GET')).toBe(true);
  });

  it('every call the connector makes passes the query-parameter check (no 400 invalid_field)', async () => {
    const t = await fs.createTicket({ type: 'Incident', subject: 'Params', description: '<p>Body</p>', requesterId: alice(), marker: 'sf-par1' });
    await fs.listChangedTickets(new Date(Date.now() - 86_400_000));
    await fs.getTicket(t.id);
    await fs.listComments(t.id);
    await fs.findTicketByMarker('sf-par1', { subject: 'Params', createdAfter: new Date() });
    await fs.findRequesterByEmail('nobody@example.org');
    await fs.fieldDefinitions();
    await fs.whoAmI();
    const refused = sim.requests.filter((r) => r.status === 400);
    expect(refused).toEqual([]);
  });

  it('a copy of a ticket without subject or description gets placeholders instead of a 400', async () => {
    const t = await fs.createTicket({ type: 'Incident', subject: ' ', description: '', requesterId: alice(), marker: 'sf-blank1' });
    expect(sim.state.tickets.get(Number(t.id))).toMatchObject({ subject: NO_SUBJECT, description: NO_DESCRIPTION });
    await fs.updateTicket(t.id, { subject: 'Now it has one', description: '' });
    expect(sim.state.tickets.get(Number(t.id))).toMatchObject({ subject: 'Now it has one', description: NO_DESCRIPTION });
  });

  it('a custom source (id ≥ 1001) is offered by fieldDefinitions and written to a ticket', async () => {
    const source = sim.state.addTicketSource('Partner portal');
    const defs = await fs.fieldDefinitions();
    expect(defs.find((d) => d.name === 'source')?.choices).toContainEqual({ value: source.choice_id, label: 'Partner portal' });
    const t = await fs.createTicket({
      type: 'Incident',
      subject: 'From the partner',
      description: '<p>x</p>',
      requesterId: alice(),
      marker: 'sf-src1',
      fields: { source: source.choice_id },
    });
    expect(sim.state.tickets.get(Number(t.id))!.source).toBe(source.choice_id);
    expect((await fs.getTicket(t.id))!.fields.source).toBe(source.choice_id);
  });
});
